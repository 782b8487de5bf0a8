"""The simulation: the Mesa model, its world, its actors (one module each), market and recorder."""
