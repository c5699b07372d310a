-- Small helpers every part of mod_invite_desk uses. Holds no state, so any
-- part may require it.
-- luacheck: globals module

-- Prosody 13 names its libraries prosody.util.* and prosody.core.*, and
-- reaches the old names only through a compatibility loader; 0.12 knows
-- only the old names.
local function prosody_lib(name)
	local ok, lib = pcall(require, "prosody."..name);
	if ok then return lib; end
	return require(name);
end

local datetime = prosody_lib "util.datetime";
local hashes = prosody_lib "util.hashes";
local async = prosody_lib "util.async";
local xpcall = prosody_lib "util.xpcall".xpcall; -- yields across it on Lua 5.1 too
local st = prosody_lib "util.stanza";

local util = { lib = prosody_lib };

-- Public invite ids: a hash, never the token, which grants an account.
function util.invite_id(token)
	return hashes.sha256(token, true):sub(1, 16);
end

function util.iso(t)
	return t and datetime.datetime(t) or nil;
end

function util.validated_invite(event)
	return event.validated_invite or (event.session and event.session.validated_invite);
end

-- A whole number from a form field, its default when left empty, or nil when out of range.
function util.whole(fields, name, default, min, max)
	local text = fields[name];
	if text == nil or text:match("^%s*$") then return default; end
	local n = tonumber(text:match("^%s*(%d+)%s*$"));
	if not n or n < min or n > max then return nil; end
	return n;
end

-- "1 invite", "3 invites": a count with its noun, for notes and log lines.
function util.counted(n, noun)
	return ("%d %s%s"):format(n, noun, n == 1 and "" or "s");
end

-- A result form (XEP-0004) with the hidden FORM_TYPE `form_type`, `fields`
-- (name → value) and, when `columns` ({ var, label, type? }...) are given, a
-- table of `rows` (var → value). A value may be a list; nil leaves the field empty.
function util.result_form(form_type, fields, columns, rows)
	local x = st.stanza("x", { xmlns = "jabber:x:data", type = "result" })
		:tag("field", { var = "FORM_TYPE", type = "hidden" }):text_tag("value", form_type):up();
	local function field(name, value)
		x:tag("field", { var = name });
		for _, one in ipairs(type(value) == "table" and value or { value }) do x:text_tag("value", tostring(one)); end
		x:up();
	end
	for name, value in pairs(fields or {}) do field(name, value); end
	if columns then
		x:tag("reported");
		for _, column in ipairs(columns) do x:tag("field", { var = column[1], label = column[2], type = column[3] }):up(); end
		x:up();
		for _, row in ipairs(rows) do
			x:tag("item");
			for _, column in ipairs(columns) do field(column[1], row[column[1]]); end
			x:up();
		end
	end
	return x;
end

-- Whether any of `texts` holds `wanted` (already lower case), ignoring case.
function util.mentions(wanted, ...)
	for i = 1, select("#", ...) do
		local text = select(i, ...);
		if text ~= nil and text:lower():find(wanted, 1, true) then return true; end
	end
	return false;
end

-- Returns a function to call on every use of a copy held in memory; once it
-- has gone unused for `keep_for` seconds, `release` lets it go.
function util.released_when_idle(keep_for, release)
	local used_at, armed = 0, false;
	return function ()
		used_at = os.time();
		if armed then return; end
		armed = true;
		module:add_timer(keep_for, function ()
			local idle = os.time() - used_at;
			if idle < keep_for then return keep_for - idle; end -- used since: look again later
			armed = false;
			release();
		end);
	end;
end

local function released(release, ok, ...)
	release();
	if not ok then error((...), 0); end
	return ...;
end

-- Returns `exclusively(key, work)`, which runs `work` once no other work
-- under the same key runs, and returns what it returns. Storage may yield to
-- other work inside Prosody (SQL drivers and others do), so a read, a
-- decision and a write made under one key see no other change of it in
-- between. Outside a coroutine Prosody can resume nothing can interleave:
-- `work` runs at once.
function util.locks()
	local guard = async.guarder();
	return function (key, work)
		if not async.ready() then return work(); end
		return released(guard(key), xpcall(work, tostring));
	end;
end

-- Runs `work`, which must not yield, with the garbage collector paused, and
-- returns its two results. Prosody's collector charges each allocation a share
-- of marking the whole heap: where that heap holds the ledger, building a page
-- of 10,000 exported rows spent nine tenths of its time collecting. A page
-- allocates a bounded few megabytes, collected with the rest once resumed.
-- (Lua 5.1 cannot tell whether the collector runs: there it is left alone.)
function util.uncollected(work)
	local known, running = pcall(collectgarbage, "isrunning");
	if not (known and running) then return work(); end
	collectgarbage("stop");
	local ok, first, second = pcall(work);
	collectgarbage("restart");
	if not ok then error(first, 0); end
	return first, second;
end

return util;
