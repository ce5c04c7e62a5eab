"""The clone server: the catalog's Spotify Web API functions over HTTP (``tagbridge serve``)."""
