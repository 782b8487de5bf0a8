"""Experiments on the model: how runs are executed and stored, and how their results are analysed."""
