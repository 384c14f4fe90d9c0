"""Demo data: realistic complaints in English and Dutch with consistent clocks and history.

`seeding.seed_demo` writes them (the `flask demo seed` command drives it); `story` plans each
complaint's life, `clocks` replays it into due dates, `text` writes what people say.
"""
