"""Voice output: prompt clips per language, spoken amounts, the recording studio."""
