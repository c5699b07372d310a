-- A cheap mark of a store's content, to tell whether it changed since it was
-- last read without reading it again: reading a large store costs far more
-- than everything else a listing does.
-- luacheck: globals module, read globals prosody

local util = module:require "mod_invite_desk/util";
local storagemanager = util.lib "core.storagemanager";
local datamanager = util.lib "util.datamanager";
local hashes = util.lib "util.hashes";
local resolve_relative_path = util.lib "util.paths".resolve_relative_path;
local lfs = require "lfs";

local host = module.host;

-- Internal storage keeps a host's map store in one file and replaces it
-- whole on every change: the file's identity (inode, size, times of change)
-- marks its content. Times count in whole seconds, so a file changed in the
-- current second might change again within it and look the same: no mark.
local function file_marker(path)
	return function ()
		local file = lfs.attributes(path);
		if not file or math.max(file.modification, file.change) >= os.time() then return nil; end
		return ("%s:%s:%s:%s:%s"):format(file.dev, file.ino, file.size, file.modification, file.change);
	end
end

-- SQL storage keeps one row per key. PostgreSQL stamps each row version with
-- the transaction that wrote it (xmin), which no later transaction reuses:
-- the count and the sum of those stamps change with every insert, update and
-- deletion. SQLite has no such stamp, and reuses the rowid of a deleted last
-- row; its mark is the keys with the length of their values, read from the
-- table's index, hashed. Either query reads no value into Lua.
local ROWS = [[FROM "prosody" WHERE "host"=? AND "user"=? AND "store"=?;]];
local QUERIES = {
	PostgreSQL = [[SELECT COUNT(*), SUM(CAST(CAST(xmin AS text) AS bigint)) ]]..ROWS;
	SQLite3 = [[SELECT COUNT(*), group_concat("key" || ':' || length("value"), ',') ]]..ROWS;
};

-- The connection mod_storage_sql opened for this host, which it shares by the database's address.
local function sql_engine()
	local engines = module:shared("/*/sql/connections");
	local params = module:get_option("sql", { driver = "SQLite3" });
	if type(params) ~= "table" then return nil; end
	local database = params.database;
	if params.driver == "SQLite3" and database ~= ":memory:" then
		database = resolve_relative_path(prosody.paths.data or ".", database or "prosody.sqlite");
	end
	local uri = util.lib "util.sql".db2uri({ driver = params.driver, database = database,
		username = params.username, password = params.password, host = params.host, port = params.port });
	if engines[uri] then return engines[uri]; end
	local only, count = nil, 0;
	for _, engine in pairs(engines) do only, count = engine, count + 1; end
	return count == 1 and only or nil;
end

-- SQLite's mark reads every key of the store (a tenth of a read's time at
-- 50,000 invites). Two counters that cost nothing tell when no table at all
-- can have changed: total_changes(), the rows this connection (which all of
-- Prosody's storage shares) has changed, and data_version, which moves when
-- another connection, such as prosodyctl's, commits. While both, on the same
-- connection, are as they were, the last mark still holds.
local UNCHANGED_SINCE = {
	SQLite3 = [[SELECT total_changes(), (SELECT "data_version" FROM pragma_data_version());]];
};

local function sql_marker(store)
	local engine = sql_engine();
	local query = engine and engine.params and QUERIES[engine.params.driver];
	if not query then return nil; end
	local quick_query = UNCHANGED_SINCE[engine.params.driver];
	local last_quick, last_mark;
	return function ()
		local ok, quick, count, mark = engine:transaction(function ()
			if quick_query then
				local counters = engine:select(quick_query)();
				local now = ("%s:%s:%s"):format(tostring(engine.conn), tostring(counters[1]), tostring(counters[2]));
				if now == last_quick then return now; end
				last_quick = nil;
				local row = engine:select(query, host, "", store)();
				return now, row[1], row[2];
			end
			local row = engine:select(query, host, "", store)();
			return nil, row[1], row[2];
		end);
		if not ok then
			module:log("warn", "Could not tell whether the %s store changed: %s", store, quick);
			last_quick = nil;
			return nil;
		end
		if quick and quick == last_quick then return last_mark; end
		last_quick, last_mark = quick, ("%s:%s"):format(tostring(count), hashes.sha256(tostring(mark), true));
		return last_mark;
	end
end

return function ()
	local changes = {};

	-- A function that returns the current mark of the host's data in a map
	-- store, or nil when none can be had (then the store must be read). A
	-- read that starts after a mark was taken sees at least what it marks.
	function changes.marker(store)
		local _, driver_name = storagemanager.get_driver(host, store);
		if driver_name == "internal" then return file_marker(datamanager.getpath(nil, host, store, "dat")); end
		if driver_name == "sql" then return sql_marker(store) or function () return nil; end end
		return function () return nil; end;
	end

	return changes;
end
