-- luacheck for Prosody modules: `luacheck --config prosody/.luacheckrc prosody/` from the repository root.
std = "lua53"
max_line_length = 150
-- `module` is Prosody's per-module API object; modules set module.load and friends on it.
globals = { "module" }
read_globals = { "prosody" }
