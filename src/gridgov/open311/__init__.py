"""Open311 GeoReport v2: the server that lets civic apps (FixMyStreet and others) file cases."""
