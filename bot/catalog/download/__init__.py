"""Downloading IMDb's non-commercial datasets and keeping the catalog fresh with them.

``run.download_imdb`` is ``filmbot films download imdb``; ``service.ImdbRefreshService`` runs the same
download on a schedule inside the bot (``FILMBOT_IMDB_REFRESH``).
"""
