"""Where to watch a film in a server's country (TMDB's watch providers, data by JustWatch), and its poster."""
