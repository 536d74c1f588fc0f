"""Online enrichment: facts, credits, scores and plots from Wikidata, Wikipedia and TMDB, each value cited
to the provider's own source, stored so an offline bot keeps answering with what it fetched."""
