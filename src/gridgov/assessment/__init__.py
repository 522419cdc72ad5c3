"""Assessment (考核): every level, department and grid worker measured on how it served residents."""
