-- luacheck settings for the Prosody modules in this folder, as Prosody's own
-- .luacheckrc sets them for its plugins. Used by `luacheck .` here and by
-- `luacheck --config prosody/.luacheckrc prosody/` from the repository root.
-- A plain `luacheck prosody/` from the root does not find this file, so each
-- module also declares `module` inline and keeps to luacheck's default line
-- length: both ways are clean.

-- Prosody 0.12 runs on Lua 5.1 to 5.4, 13 on 5.2 to 5.4: flag what only some have.
std = "min"
max_line_length = 120

-- Prosody loads a module with `module` (its API object, on which it also sets
-- module.load, module.save and friends) and `prosody` (the server) as globals.
globals = { "module" }
read_globals = { "prosody" }
