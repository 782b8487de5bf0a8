"""The live dashboard in the browser (Mesa's SolaraViz): the page, its charts, offline assets."""
