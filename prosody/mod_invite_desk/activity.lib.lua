-- The activity log: every admin action the module carries out or hears of,
-- who took it, when, and on what, kept for a while and pushed live to the
-- subscribed admin sessions, so that admins working at once see each
-- other's changes.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local jid_util = util.lib "util.jid";
local datetime = util.lib "util.datetime";
local dataforms = util.lib "util.dataforms";
local xpcall = util.lib "util.xpcall".xpcall; -- yields across it on Lua 5.1 too

local host = module.host;

local NS_ACTIVITY = "urn:x-invite-desk:activity:0";
local PAGE, MAX_PAGE = 100, 1000;

-- What an entry may be: its `kind`.
local KINDS = {
	"policy-changed", "invites-created", "invites-revoked", "invites-purged",
	"account-deleted", "account-disabled", "account-enabled", "requests-approved", "requests-rejected",
};
local KNOWN, KIND_OPTIONS = {}, { "all" };
for _, kind in ipairs(KINDS) do KNOWN[kind] = true; table.insert(KIND_OPTIONS, kind); end

-- Days an entry is kept.
local activity_days = module:get_option_number("invite_desk_activity_days", 365);

return function (commands, events)
	local log = module:open_store("invite_desk_activity", "archive");
	local activity = { xmlns = NS_ACTIVITY, kinds = KINDS };

	-- Records an action and tells every subscribed admin session of it, with
	-- `also` (say, the new policy) in the same message. `by` is the admin's
	-- JID (any resource), or nil when the server did it by other means (its
	-- shell, or an account deleting itself). `details` are the entry's
	-- attributes; `invites` the ids of the invites it concerns, `accounts` the JIDs of the accounts.
	function activity.record(kind, by, details, invites, also, accounts)
		local when = os.time();
		local entry = st.stanza("activity", { xmlns = NS_ACTIVITY, kind = kind, time = util.iso(when) });
		if by then entry.attr.by = jid_util.bare(by); else entry.attr.source = "server"; end
		for name, value in pairs(details or {}) do entry.attr[name] = tostring(value); end
		for _, id in ipairs(invites or {}) do entry:tag("invite", { id = id }):up(); end
		for _, jid in ipairs(accounts or {}) do entry:tag("account", { jid = jid }):up(); end
		local key, err = log:append(nil, nil, entry, when, entry.attr.by or "");
		if key then
			entry.attr.id = key;
		else
			module:log("error", "Could not log the activity %s: %s", kind, err);
		end
		if also then events.notify(also, entry); else events.notify(entry); end
		return entry;
	end

	local function prune()
		local deleted, err = log:delete(nil, { ["end"] = os.time() - activity_days * 86400 });
		if deleted == nil then module:log("error", "Could not drop old activity: %s", err); end
	end
	module:daily("Drop old activity", prune);
	activity.prune = prune;

	-- Accounts deleted, disabled or enabled on this host, by whatever means:
	-- the admin who ran the command, when one did (XEP-0133 from any client).
	local ACCOUNT_EVENTS = { ["user-deleted"] = "account-deleted", ["user-disabled"] = "account-disabled",
		["user-enabled"] = "account-enabled" };
	-- Accounts that another entry covers while `work(username)` runs (a request rejected deletes its account).
	local covered = {};
	function activity.covering(username, work)
		covered[username] = true;
		local ok, result, err = xpcall(work, tostring, username);
		covered[username] = nil;
		if not ok then error(result, 0); end
		return result, err;
	end
	-- Prosody 13 makes an account disabled, sets its password, then enables
	-- it, in one go: that enabling is part of making it, not an action of its
	-- own. The password set by the same thread tells it apart.
	local MAIN_THREAD = {}; -- Lua 5.1 has no object for the main thread
	local password_set_by = setmetatable({}, { __mode = "v" });
	module:hook_global("user-password-changed", function (event)
		if event.host == host then password_set_by[event.username] = coroutine.running() or MAIN_THREAD; end
	end);
	local function just_made(username)
		local made = password_set_by[username] == (coroutine.running() or MAIN_THREAD);
		password_set_by[username] = nil;
		return made;
	end
	for event_name, kind in pairs(ACCOUNT_EVENTS) do
		module:hook_global(event_name, function (event)
			if event.host ~= host or covered[event.username] then return; end
			if kind == "account-enabled" and just_made(event.username) then return; end
			activity.record(kind, commands.sender(), { account = event.username.."@"..host });
		end);
	end

	-- The list command -------------------------------------------------------

	local list_layout = dataforms.new {
		title = "List admin activity";
		{ name = "FORM_TYPE", type = "hidden", value = NS_ACTIVITY };
		{ name = "by", type = "text-single", label = "Admin (address)" };
		{ name = "kind", type = "list-single", label = "Kind", value = "all", options = KIND_OPTIONS };
		{ name = "account", type = "text-single", label = "Account acted on (address)" };
		{ name = "start", type = "text-single", label = "From (XEP-0082 time)" };
		{ name = "end", type = "text-single", label = "Until (XEP-0082 time)" };
		{ name = "offset", type = "text-single", label = "Skip", value = 0 };
		{ name = "limit", type = "text-single", label = "Show at most ("..MAX_PAGE..")", value = PAGE };
	};

	local COLUMNS = {
		{ "id", "Id" }, { "time", "Time" }, { "kind", "Kind" }, { "by", "By" }, { "source", "Source" },
		{ "accounts", "Accounts", "text-multi" }, { "outcome", "Outcome" }, { "mode", "Policy" },
		{ "previous", "Policy before" }, { "count", "How many" }, { "invite-kind", "Kind of invite" },
		{ "dropped", "Ledger records dropped" }, { "invites", "Invites", "text-multi" },
	};

	local function time_field(fields, name)
		local text = fields[name];
		if text == nil or text == "" then return true, nil; end
		local t = datetime.parse(text);
		return t ~= nil, t;
	end

	module:provides("adhoc", commands.form("List admin activity", NS_ACTIVITY.."#list", list_layout, function (fields)
		local kind = fields.kind or "all";
		if kind ~= "all" and not KNOWN[kind] then
			return commands.fail("Kind must be all or one of "..table.concat(KINDS, ", ")..".");
		end
		local offset, limit = util.whole(fields, "offset", 0, 0, math.huge), util.whole(fields, "limit", PAGE, 1, MAX_PAGE);
		if not (offset and limit) then
			return commands.fail("Skip must be a whole number, and Show at most one from 1 to "..MAX_PAGE..".");
		end
		local ok_start, start = time_field(fields, "start");
		local ok_end, finish = time_field(fields, "end");
		if not (ok_start and ok_end) then
			return commands.fail("From and Until must be times such as 2026-11-28T18:00:00Z.");
		end
		-- Older entries may linger until the daily pass: never shown.
		start = math.max(start or 0, os.time() - activity_days * 86400);
		local by = fields.by ~= "" and fields.by and fields.by:lower() or nil;
		local account = fields.account ~= "" and fields.account and fields.account:lower() or nil;
		local items, err = log:find(nil, { start = start, ["end"] = finish, reverse = true });
		if not items then
			module:log("error", "Could not read the activity log: %s", err);
			return commands.fail("The server could not read its activity log. Its log says why.");
		end
		local found, admins, seen = {}, {}, {};
		for key, item in items do
			local who = item.attr.by;
			if who and not seen[who] then seen[who] = true; table.insert(admins, who); end
			if (kind == "all" or item.attr.kind == kind) and (not by or util.mentions(by, who)) then
				local row = { id = key, invites = {}, accounts = { item.attr.account } };
				for name, value in pairs(item.attr) do if name ~= "xmlns" then row[name] = row[name] or value; end end
				for child in item:childtags("invite") do table.insert(row.invites, child.attr.id); end
				for child in item:childtags("account") do table.insert(row.accounts, child.attr.jid); end
				local acted_on = not account;
				for _, jid in ipairs(row.accounts) do acted_on = acted_on or jid:lower() == account; end
				if acted_on then found[#found + 1] = row; end
			end
		end
		table.sort(admins);
		local page = {};
		for i = offset + 1, math.min(#found, offset + limit) do page[#page + 1] = found[i]; end
		local x = util.result_form(NS_ACTIVITY, { total = #found, admins = admins }, COLUMNS, page);
		return { status = "completed", other = x };
	end));

	module:add_feature(NS_ACTIVITY);

	return activity;
end
