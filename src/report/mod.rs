//! The report: figures (plotters → SVG) and the notebook-style HTML page (minijinja templates in `templates/`).

pub mod plot;
