"""The server watchlist: films members suggest and want to see, drawn into movie-night polls."""
