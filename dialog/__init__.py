"""dialog: the online dialogue platform of a city's participation office."""
