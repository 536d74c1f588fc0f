-- Plots fetched from an outside source (a Wikipedia article's plot section) beside a card's own.
-- A plot section citing a source (source_id) was fetched; NULL is the curated card's own plot, which
-- always wins: a film whose card gives a plot never shows a fetched one. A fetched source names the exact
-- revision it was read from (a Wikipedia revision id), shown in its attribution with its licence.
ALTER TABLE plot_sections ADD COLUMN source_id INTEGER REFERENCES film_sources (id) ON DELETE CASCADE;
ALTER TABLE film_sources ADD COLUMN revision INTEGER;
CREATE INDEX plot_sections_source ON plot_sections (source_id) WHERE source_id IS NOT NULL;
