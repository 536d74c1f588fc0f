"""The watched history: what the server watched and when, the ratings that follow a party, and its stats."""
