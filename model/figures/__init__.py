"""Every figure of the project, as functions returning matplotlib figures."""
