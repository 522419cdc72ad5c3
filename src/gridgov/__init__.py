"""gridgov: party-building-led grid governance for a Chinese city district."""
