-- mod_invite_desk: what an invite-only community needs and stock Prosody
-- lacks: a registration policy switched at runtime, invite options, a ledger
-- of every invite with revocation, and structured sign-up events with a
-- history to catch up from. The protocol is in README.md.
-- luacheck: globals module

-- Prosody 13 names its libraries prosody.util.* and prosody.core.*, and
-- reaches the old names only through a compatibility loader; 0.12 knows
-- only the old names.
local function prosody_lib(name)
	local ok, lib = pcall(require, "prosody."..name);
	if ok then return lib; end
	return require(name);
end

local st = prosody_lib "util.stanza";
local jid_util = prosody_lib "util.jid";
local datetime = prosody_lib "util.datetime";
local dataforms = prosody_lib "util.dataforms";
local hashes = prosody_lib "util.hashes";
local now_precise = prosody_lib "util.time".now;
local new_id = prosody_lib "util.id";
local nodeprep = prosody_lib "util.encodings".stringprep.nodeprep;
local usermanager = prosody_lib "core.usermanager";
local storagemanager = prosody_lib "core.storagemanager";
local datamanager = prosody_lib "util.datamanager";
local lfs = require "lfs";
local url = require "socket.url";
local adhoc_new = module:require "adhoc".new;

module:depends "adhoc";
module:depends "invites_register"; -- checks preauth tokens and consumes invites
-- In-band registration must work under every policy, whatever
-- allow_registration says: the policy decides who gets in.
module:depends "register_ibr";

local host = module.host;

local NS_POLICY = "urn:x-invite-desk:policy:0";
local NS_INVITES = "urn:x-invite-desk:invites:0";
local NS_EVENTS = "urn:x-invite-desk:events:0";
-- A disco#info node that answers only those who may administer the module.
local NODE_ADMIN = "urn:x-invite-desk:administer:0";

local POLICIES = { ["open"] = true, ["invite-only"] = true, ["closed"] = true };
local KINDS = { account = true, reset = true, contact = true };
local STATES = { all = true, pending = true, used = true, expired = true, revoked = true };

local default_policy = module:get_option_string("invite_desk_default_policy", "invite-only");
if not POLICIES[default_policy] then
	module:log("error", "invite_desk_default_policy must be open, invite-only or closed; using invite-only");
	default_policy = "invite-only";
end
-- Prosody 13 reads periods such as "1 week"; 0.12 only numbers of seconds.
local default_ttl = module.get_option_period and module:get_option_period("invite_expiry", "1 week")
	or module:get_option_number("invite_expiry", 7 * 86400);
local max_batch = module:get_option_number("invite_desk_max_batch", 500);
local history_days = module:get_option_number("invite_desk_history_days", 90);
-- How long the ledger remembers an invite Prosody no longer holds (used up,
-- revoked or purged), counted from its last use, revocation or expiry.
local ledger_days = module:get_option_number("invite_desk_ledger_days", 365);
-- How long a whole copy of the history or the ledger, read for a catch-up or
-- a listing, stays in memory after it was last used.
local keep_in_memory = module:get_option_number("invite_desk_keep_in_memory", 60);
-- Logs how long each read of the invite store takes: a baseline for benchmarks.
local log_timings = module:get_option_boolean("invite_desk_log_timings", false);

-- Stock code compares expiry times, so "never" is stored as a far future.
local FOREVER = 100 * 365 * 86400;
local PAGE, MAX_PAGE = 100, 1000;
local INVITE_ONLY = "Registration on this server is through invitation only";

local policy_store = module:open_store("invite_desk_policy");
local tokens = module:open_store("invite_token", "map"); -- mod_invites' store
local tokens_all = module:open_store("invite_token"); -- the same, read whole
-- A small record per invite that was used or revoked, kept by invite id:
-- { invite = row, uses = { { username, at }... }, revoked_at, revoked_by }.
-- Prosody deletes a single-use invite once used: the row keeps what the ledger shows of it.
local entry_store = module:open_store("invite_desk_ledger");
local history = module:open_store("invite_desk_events", "archive");
-- Prosody's internal storage refuses appends past its per-store quota.
local history_size = math.min(module:get_option_number("invite_desk_history_size", 10000),
	history.caps and history.caps.quota or math.huge);

-- Prosody 13 grants actions to roles (and warns on is_admin); 0.12 knows only
-- admins. `context` is an iq event, or ad-hoc command data (which on 0.12
-- carries only `from`).
local may_administer, may_follow;
if module.may then
	module:default_permission("prosody:admin", ":administer");
	module:default_permission("prosody:admin", ":follow-events");
	function may_administer(context) return module:may(":administer", context); end
	function may_follow(context) return module:may(":follow-events", context) or may_administer(context); end
else
	function may_administer(context)
		return usermanager.is_admin(context.stanza and context.stanza.attr.from or context.from, host);
	end
	may_follow = may_administer;
end

-- Public invite ids: a hash, never the token, which grants an account.
local function invite_id(token)
	return hashes.sha256(token, true):sub(1, 16);
end

local function iso(t)
	return t and datetime.datetime(t) or nil;
end

local function validated_invite(event)
	return event.validated_invite or (event.session and event.session.validated_invite);
end

---------------------------------------------------------------------------
-- Subscribed sessions, by full JID: events go to these and never to a bare
-- JID, which offline storage would fill with copies of the history.
---------------------------------------------------------------------------

local subscribers = {};

local function notify(payload)
	for full_jid in pairs(subscribers) do
		local message = st.message({ from = host, to = full_jid, type = "headline", id = new_id.short() });
		module:send(message:add_child(st.clone(payload)));
	end
end

module:hook("resource-unbind", function (event)
	subscribers[event.session.full_jid or ""] = nil;
end);

-- Subscriptions outlive a reload of this module.
function module.save() return { subscribers = subscribers }; end
function module.restore(saved) subscribers = saved.subscribers or {}; end

-- Returns a function to call on every use of a copy held in memory; once it
-- has gone unused for `keep_in_memory` seconds, `release` lets it go.
local function released_when_idle(release)
	local used_at, armed = 0, false;
	return function ()
		used_at = os.time();
		if armed then return; end
		armed = true;
		module:add_timer(keep_in_memory, function ()
			local idle = os.time() - used_at;
			if idle < keep_in_memory then return keep_in_memory - idle; end -- used since: look again later
			armed = false;
			release();
		end);
	end;
end

---------------------------------------------------------------------------
-- What the ledger knows of an invite
---------------------------------------------------------------------------

local function role_of(roles)
	if type(roles) ~= "table" then return nil; end
	return roles[1] or next(roles); -- 13 keeps a list, 0.12 a set of names
end

-- A ledger row from a stored invite or a validated one (mod_invites' get()
-- result, which has no times). It never holds the token, so it may be stored.
local function describe(invite)
	local data = invite.additional_data or {};
	local desk = data.invite_desk or {}; -- set on invites made here
	local kind = data.allow_reset and "reset" or invite.type == "roster" and "contact" or "account";
	local row = {
		id = invite_id(invite.token);
		kind = kind;
		note = data.note;
		role = role_of(data.roles);
		created_at = invite.created_at or desk.created_at;
		expires = not desk.never_expires and invite.expires or nil;
		max_uses = desk.max_uses or (not invite.reusable and 1 or nil);
	};
	-- The URI names the account a register invite is for, or the user a contact invite befriends.
	local named = invite.uri and invite.uri:match("^xmpp:([^@]+)@");
	if kind == "contact" then
		row.created_by = named and named.."@"..host;
	else
		row.username = named;
	end
	local source = data.source; -- who asked, on ad-hoc invites: a full JID
	local node, source_host = jid_util.split(source);
	if node and source_host then row.created_by = node.."@"..source_host; end
	if data.invite_desk then
		row.source = "invite-desk";
	elseif node then
		row.source = "adhoc";
	else -- mod_invites_api says "api/token/…"; prosodyctl and the shell say nothing
		row.source = source or "prosodyctl";
	end
	return row;
end

-- Prosody 13's own password-reset command records nobody as the maker of its
-- invites (nor may another module's command): note who runs each ad-hoc
-- command while it runs, and name them on the invites it makes. Keyed by
-- coroutine, as commands that wait on storage may interleave.
local MAIN_THREAD = {}; -- Lua 5.1 has no object for the main thread
local command_senders = setmetatable({}, { __mode = "k" });
module:wrap_event("iq-set/host/http://jabber.org/protocol/commands:command", function (handlers, event_name, event)
	local thread = coroutine.running() or MAIN_THREAD;
	command_senders[thread] = event.stanza.attr.from;
	local ok, result = pcall(handlers, event_name, event);
	command_senders[thread] = nil;
	if not ok then error(result, 0); end
	return result;
end);

-- Before mod_invites stores the invite, so the source is stored with it.
module:hook("invite-created", function (invite)
	local sender = command_senders[coroutine.running() or MAIN_THREAD];
	if not sender then return; end
	invite.additional_data = invite.additional_data or {};
	if invite.additional_data.source == nil then invite.additional_data.source = sender; end
end, 1);

local entries; -- every record, while a listing's copy is held
local function get_entry(id)
	if entries then return entries[id]; end
	return entry_store:get(id);
end
local function save_entry(id, entry)
	local ok, err = entry_store:set(id, entry);
	if ok and entries then entries[id] = entry; end
	return ok, err;
end
local function all_entries()
	if not entries then
		local loaded = {};
		for id in entry_store:users() do loaded[id] = entry_store:get(id); end
		entries = loaded;
	end
	return entries;
end

-- When the ledger last heard of an invite that Prosody no longer holds.
local function last_activity(entry, now)
	local latest = entry.revoked_at or 0;
	for _, use in ipairs(entry.uses) do
		if use.at > latest then latest = use.at; end
	end
	local expires = entry.invite.expires;
	if expires and expires <= now and expires > latest then latest = expires; end
	return latest;
end

-- Deletes the record of an invite Prosody no longer holds once
-- `ledger_days` have passed since its last activity. Returns whether it is
-- past that time, and whether the store let it go.
local function forget_if_old(id, entry, now)
	if last_activity(entry, now) >= now - ledger_days * 86400 then return false, false; end
	local ok, err = entry_store:set(id, nil);
	if ok then
		if entries then entries[id] = nil; end -- clearing a field is allowed mid-traversal
	else
		module:log("error", "Could not drop the old ledger record %s: %s", id, err);
	end
	return true, ok;
end

local function log_dropped(dropped)
	if dropped > 0 then
		module:log("info", "Dropped %d ledger record(s) older than %g days", dropped, ledger_days);
	end
end

local function state_of(row, entry, stored, now)
	if entry and entry.revoked_at then return "revoked"; end
	local uses = entry and #entry.uses or 0;
	if row.max_uses and uses >= row.max_uses then return "used"; end
	if row.expires and row.expires < now then return "expired"; end
	if not stored then return "used"; end -- a record without its invite: deleted after a use
	return "pending";
end

-- Ledger records of the stored invites, by token: describing an invite
-- hashes its token and parses its URI, and a listing of 50,000 spent more
-- time describing and allocating than reading the store. Rebuilt from every
-- read of the store, so it holds only invites still stored: purged and
-- revoked ones leave it at the next read.
local stored_records = {};

-- Prosody's internal storage keeps a host's invites in one file and
-- replaces it whole on every change, which is what makes reading it cost
-- more than everything else a listing does. While the file is the one a read
-- found (the same inode, size, and times of change), that read still holds.
-- Other storage drivers are read every time.
local invite_file;
do
	local _, driver_name = storagemanager.get_driver(host, "invite_token");
	if driver_name == "internal" then invite_file = datamanager.getpath(nil, host, "invite_token", "dat"); end
end
local last_read; -- { stamp, invites }, while its file is unchanged

-- The file's identity now, or nil when it is not to be trusted: times count
-- in whole seconds, so a file changed in the current second might change
-- again within it and look the same.
local function invite_file_stamp()
	local file = invite_file and lfs.attributes(invite_file);
	if not file or math.max(file.modification, file.change) >= os.time() then return nil; end
	return ("%s:%s:%s:%s:%s"):format(file.dev, file.ino, file.size, file.modification, file.change);
end

-- What mod_invites stores, by token: the last read while its file is
-- unchanged, unless `fresh` asks for a new read.
local function stored_invites(fresh)
	local stamp = invite_file_stamp(); -- before the read: a change during it makes the next stamp differ
	if not fresh and stamp and last_read and last_read.stamp == stamp then return last_read.invites; end
	local started = now_precise();
	local invites = tokens_all:get(nil) or {};
	if log_timings then
		module:log("info", "Read the invite store in %.1f ms", (now_precise() - started) * 1000);
	end
	last_read = stamp and { stamp = stamp, invites = invites } or nil;
	return invites;
end

local keep_ledger_copy = released_when_idle(function ()
	local count = 0;
	for _ in pairs(entries or {}) do count = count + 1; end
	entries, stored_records, last_read = nil, {}, nil;
	module:log("info", "Let go of the ledger's copy in memory (%d records)", count);
end);

local function with_state(record, entry, now)
	record.entry = entry;
	record.state = state_of(record.row, entry, record.stored, now);
	local first_use = entry and entry.uses[1];
	record.sort_key = record.row.created_at or first_use and first_use.at or 0;
	return record;
end

-- Every invite Prosody holds, made by any means, and every one used or
-- revoked before: { row, entry, stored, state, sort_key }, in no order.
-- Records of invites Prosody no longer holds are dropped, from memory and
-- the store, once `ledger_days` have passed since their last activity;
-- returns how many were. `fresh` reads the invite store even if unchanged.
local function ledger(fresh)
	local now, list, seen, still_stored = os.time(), {}, {}, {};
	local records = all_entries();
	keep_ledger_copy();
	for token, stored in pairs(stored_invites(fresh)) do
		if type(stored) == "table" and stored.token == token then
			local record = stored_records[token] or { row = describe(stored) };
			record.stored = stored;
			still_stored[token] = record;
			local entry = records[record.row.id];
			if entry then seen[record.row.id] = true; end
			list[#list + 1] = with_state(record, entry, now);
		end
	end
	stored_records = still_stored;
	local dropped = 0;
	for id, entry in pairs(records) do
		if not seen[id] then
			local old, gone = forget_if_old(id, entry, now);
			if gone then dropped = dropped + 1; end
			if not old then list[#list + 1] = with_state({ row = entry.invite }, entry, now); end
		end
	end
	log_dropped(dropped);
	return list, dropped;
end
module:daily("Drop old ledger records", function () ledger(); end);

-- Orders of the list command. Ties (a batch shares its creation time) go by
-- id, so pages stay stable.
local function newest_first(a, b)
	if a.sort_key ~= b.sort_key then return a.sort_key > b.sort_key; end
	return a.row.id < b.row.id;
end
local ORDERS = {
	newest = newest_first;
	oldest = function (a, b)
		if a.sort_key ~= b.sort_key then return a.sort_key < b.sort_key; end
		return a.row.id < b.row.id;
	end;
	-- Soonest expiry first; invites that never expire last.
	expires = function (a, b)
		local x, y = a.row.expires or math.huge, b.row.expires or math.huge;
		if x ~= y then return x < y; end
		return newest_first(a, b);
	end;
	uses = function (a, b)
		local x, y = a.entry and #a.entry.uses or 0, b.entry and #b.entry.uses or 0;
		if x ~= y then return x > y; end
		return newest_first(a, b);
	end;
};

-- Deletes invites from mod_invites' store in one write, plus one per inviter
-- for the copies contact invites keep under the inviter's name.
local function delete_invites(list)
	local host_keys, contact_keys = {}, {};
	for _, invite in ipairs(list) do
		host_keys[invite.token] = tokens.remove;
		if invite.type == "roster" then
			local inviter = jid_util.node(invite.jid);
			contact_keys[inviter] = contact_keys[inviter] or {};
			contact_keys[inviter][invite.token] = tokens.remove;
		end
	end
	local ok, err = true, nil;
	if next(host_keys) then ok, err = tokens:set_keys(nil, host_keys); end
	for inviter, keys in pairs(contact_keys) do
		if not ok then break; end
		ok, err = tokens:set_keys(inviter, keys);
	end
	return ok, err;
end

---------------------------------------------------------------------------
-- Registration: the policy, and what an invite allows
---------------------------------------------------------------------------

-- Kept in memory: this module is the store's only writer, and a registration
-- should read no file for it.
local policy;
local function current_policy()
	if not policy then
		local saved = policy_store:get(nil);
		policy = saved and POLICIES[saved.mode] and saved.mode or default_policy;
	end
	return policy;
end

local function refuse(event, text)
	event.allowed = false;
	event.error = { type = "cancel", condition = "not-allowed", text = text };
	event.reason = text; -- for handlers that read the pre-util.error fields
	return true; -- the last word: nothing after this changes it
end

-- mod_invites_register refuses token-less sign-ups at priority 0 when
-- registration_invite_only is set; this runs after it and decides.
module:hook("user-registering", function (event)
	local invite = validated_invite(event);
	local mode = current_policy();
	if mode == "closed" then
		-- A password reset creates no account, so it still works.
		if not (event.allow_reset == event.username and usermanager.user_exists(event.username, host)) then
			return refuse(event, "Registration on this server is closed");
		end
	end
	if not invite then
		if mode == "invite-only" then return refuse(event, INVITE_ONLY); end
		-- Open: lift mod_invites_register's refusal, but never another module's (IP limits, blocklists).
		if event.allowed == false and event.reason == INVITE_ONLY and not event.error then
			event.allowed, event.reason = true, nil;
		end
		return;
	end
	if event.allowed == false then return; end
	local row = describe(invite);
	-- Prosody 0.12 and 13 never check the account an invite names.
	if row.username and row.username ~= event.username then
		return refuse(event, "This invite is for the account "..row.username.." only");
	end
	local entry = get_entry(row.id);
	if entry and entry.revoked_at then
		-- The session checked its token before the invite was revoked.
		return refuse(event, "This invite has been revoked");
	end
	-- mod_register_ibr creates the account and fires user-registered straight
	-- after this event without yielding, so no other registration can run
	-- between this count and the use recorded there: the limit holds exactly.
	if row.max_uses and entry and #entry.uses >= row.max_uses then
		return refuse(event, "This invite has been used up");
	end
	-- Prosody checks expiry at preauth only, and the invite it keeps in the session carries no expiry.
	local stored = tokens:get(nil, invite.token);
	if not stored then
		return refuse(event, "This invite is no longer valid"); -- deleted since, e.g. from the admin shell
	elseif type(stored.expires) == "number" and stored.expires < os.time() then
		return refuse(event, "This invite has expired");
	end
end, -10);

-- Prosody 0.12 keeps an invite's roles as a set of names, 13 as a list with
-- the primary role first; 13 ignores a set (with a log line), so an invite
-- made before an upgrade would grant nothing. Turns a set into a list of the
-- roles that exist, highest first, or returns nil when there is nothing to do.
local function roles_as_list(roles)
	if not usermanager.get_role_by_name or type(roles) ~= "table" or roles[1] ~= nil or next(roles) == nil then
		return nil;
	end
	local list, priority = {}, {};
	for name, granted in pairs(roles) do
		-- 13 throws on a name it does not know
		local known, role = pcall(usermanager.get_role_by_name, name, host);
		if granted and known and role then
			table.insert(list, name);
			priority[name] = role.priority or 0;
		elseif granted then
			module:log("warn", "An invite grants the role %q, which %s does not have: not granted", tostring(name), host);
		end
	end
	table.sort(list, function (a, b) return priority[a] > priority[b]; end);
	return list;
end

-- Before mod_invites_register (priority 0) grants the invite's roles.
module:hook("user-registered", function (event)
	local invite = validated_invite(event);
	local list = invite and invite.additional_data and roles_as_list(invite.additional_data.roles);
	if list then invite.additional_data.roles = list; end
end, 20);

-- Records the use before mod_invites_register (priority 0) deletes a
-- single-use invite, so a crash in between cannot lose it from the ledger.
local function record_use(event)
	local invite = validated_invite(event);
	if not invite then return; end
	local row = describe(invite);
	local entry = get_entry(row.id) or { invite = row, uses = {} };
	table.insert(entry.uses, { username = event.username, at = os.time() });
	local ok, err = save_entry(row.id, entry);
	if not ok then module:log("error", "Could not record a use of invite %s: %s", row.id, err); end
	-- Stock Prosody keeps a reusable invite until it expires: take it out once
	-- used up, so preauth refuses it too. (Only account invites are reusable.)
	if invite.reusable and row.max_uses and #entry.uses >= row.max_uses then
		delete_invites({ { token = invite.token } });
	end
end
module:hook("user-registered", record_use, 10);
module:hook("user-password-reset", record_use, 10);

---------------------------------------------------------------------------
-- Sign-up events and their history
---------------------------------------------------------------------------

-- Counted when a sign-up first needs it, not at load or after a trim: on 13
-- counting reads every event, which held up a restart with a long history.
local history_count;

-- 0.12's internal storage and SQL count for `find`; 13's internal storage
-- says it can but returns no total, so the events are counted one by one
-- there (only when a sign-up needs the count, see history_count).
local function count_history()
	local none, total = history:find(nil, { total = true, limit = 0 });
	if not none then return 0; end -- empty, or unreadable: the next append says which
	for _ in none do end -- nothing to read; reaching the end lets 13 close the file
	if type(total) == "number" then return total; end
	local all = history:find(nil, {});
	if not all then return 0; end
	local count = 0;
	for _ in all do count = count + 1; end
	return count;
end

-- The history in memory, while catch-ups read it: every `find` reads the
-- whole archive (0.12 loads the file, 13 scans to the cursor), so a catch-up
-- paged by `after` cost one full read per page, quadratic in its length. It
-- is read whole once instead, kept in step with appends, and let go a while
-- after the last catch-up: 10,000 events hold about 12 MB.
-- { events = { stanza... } oldest first, position = { [key] = index } }
local window;
-- Counts appends and trims, so a read that a storage driver let another
-- request interleave with is done again rather than trusted.
local history_changes = 0;

local keep_window = released_when_idle(function () window = nil; end);

local function load_window()
	for _ = 1, 3 do
		local changes, started = history_changes, now_precise();
		local iter, err = history:find(nil, {});
		if not iter then return nil, err; end
		local events, position = {}, {};
		for key, item in iter do
			item.attr.id = key;
			events[#events + 1] = item;
			position[key] = #events;
		end
		if changes == history_changes then
			-- The cost of one full find, read to its end: what each page cost before, and a benchmark's baseline.
			module:log("info", "Read %d sign-up events for catching up in %.1f ms", #events, (now_precise() - started) * 1000);
			window, history_count = { events = events, position = position }, #events;
			return window;
		end
	end
	return nil, "the history changed during every read";
end

local function prune_history(keep)
	local by_age = history:delete(nil, { ["end"] = os.time() - history_days * 86400 });
	local by_size = keep and history:delete(nil, { truncate = keep }) or 0;
	-- Storage says 0 when nothing was old or over: the copy in memory still
	-- holds (Prosody 13 runs the daily prune a second after start).
	if by_age ~= 0 or by_size ~= 0 then
		window, history_changes, history_count = nil, history_changes + 1, nil;
	end
end
module:daily("Prune the sign-up history", function () prune_history(); end);

-- After the stock handlers: the account is complete, roles included.
module:hook("user-registered", function (event)
	local invite = validated_invite(event);
	local row = invite and describe(invite);
	local when = os.time();
	local session = event.session;
	local signup = st.stanza("signup", {
		xmlns = NS_EVENTS;
		username = event.username;
		jid = event.username.."@"..host;
		time = iso(when);
		ip = event.ip or session and session.ip or nil;
		invite = row and row.id or nil;
		inviter = row and row.created_by or nil;
		source = row and not row.created_by and row.source or nil;
	});
	if row and row.note then signup:text_tag("note", row.note); end
	-- Trim a full history by a tenth at once: one rewrite per many sign-ups, not one each.
	history_count = history_count or count_history();
	if history_count >= history_size then
		prune_history(math.floor(history_size * 0.9));
		history_count = count_history();
	end
	local key, err = history:append(nil, nil, signup, when, nil);
	if key then
		history_count, history_changes = history_count + 1, history_changes + 1;
		signup.attr.id = key;
		if window then
			table.insert(window.events, signup);
			window.position[key] = #window.events;
		end
	else
		module:log("error", "Could not store the sign-up of %s: %s", event.username, err);
	end
	notify(signup);
end, -10);

-- Answers `forbidden` to a session that may not follow sign-ups; true when it did.
local function refused_follower(event)
	if event.origin.type == "c2s" and may_follow(event) then return false; end
	event.origin.send(st.error_reply(event.stanza, "auth", "forbidden", "Only admins of "..host.." may follow sign-ups"));
	return true;
end

-- Subscribes the session and returns the events after its cursor in one
-- step, so none can fall between catching up and going live. A session is
-- subscribed only once it has caught up (complete='true'), so a live event
-- never arrives before, or again with, the history it belongs after.
module:hook("iq-set/host/"..NS_EVENTS..":subscribe", function (event)
	if refused_follower(event) then return true; end
	local origin, stanza = event.origin, event.stanza;
	local request = stanza.tags[1];
	local max = tonumber(request.attr.max or PAGE);
	if not max or max % 1 ~= 0 or max < 1 or max > MAX_PAGE then
		origin.send(st.error_reply(stanza, "modify", "bad-request", "max must be a whole number from 1 to "..MAX_PAGE));
		return true;
	end
	local after = request.attr.after ~= "" and request.attr.after or nil;
	local loaded, err = window, nil;
	if not loaded then loaded, err = load_window(); end
	if not loaded then
		module:log("error", "Could not read the sign-up history: %s", err);
		origin.send(st.error_reply(stanza, "wait", "internal-server-error", "The sign-up history could not be read"));
		return true;
	end
	keep_window();
	-- A cursor that left the history (or never was in it): start from the
	-- oldest event kept, and say so. (The window is the whole history, so
	-- this reads the same on 0.12, whose archive says item-not-found, and 13,
	-- whose archive answers as if nothing came after it.)
	local first = after and loaded.position[after];
	local gap = after ~= nil and first == nil;
	first = (first or 0) + 1;
	local last = math.min(#loaded.events, first + max - 1);
	local complete = last == #loaded.events;
	subscribers[origin.full_jid] = complete or nil;
	local reply = st.reply(stanza)
		:tag("events", { xmlns = NS_EVENTS; complete = tostring(complete); gap = gap and "true" or nil })
		:tag("policy", { xmlns = NS_POLICY; mode = current_policy() }):up();
	for i = first, last do reply:add_child(loaded.events[i]); end
	origin.send(reply);
	return true;
end);

-- The sign-ups of the last `days` days, each as its time and who invited it:
-- what the app draws the community's growth from, over the whole history the
-- module keeps, not only what the app happened to receive.
module:hook("iq-get/host/"..NS_EVENTS..":history", function (event)
	if refused_follower(event) then return true; end
	local origin, stanza = event.origin, event.stanza;
	local days = tonumber(stanza.tags[1].attr.days);
	if not days or days % 1 ~= 0 or days < 1 or days > 366 then
		origin.send(st.error_reply(stanza, "modify", "bad-request", "days must be a whole number from 1 to 366"));
		return true;
	end
	-- Older sign-ups are not kept: say how far back the answer reaches.
	days = math.min(days, history_days);
	local iter, err = history:find(nil, { start = os.time() - days * 86400 });
	if not iter then
		module:log("error", "Could not read the sign-up history: %s", err);
		origin.send(st.error_reply(stanza, "wait", "internal-server-error", "The sign-up history could not be read"));
		return true;
	end
	local reply = st.reply(stanza):tag("history", { xmlns = NS_EVENTS; days = tostring(days) });
	for _, item, when in iter do
		reply:tag("signup", { time = iso(when); inviter = item.attr.inviter }):up();
	end
	origin.send(reply);
	return true;
end);

module:hook("iq-set/host/"..NS_EVENTS..":unsubscribe", function (event)
	subscribers[event.origin.full_jid or ""] = nil;
	event.origin.send(st.reply(event.stanza));
	return true;
end);

---------------------------------------------------------------------------
-- Ad-hoc commands
---------------------------------------------------------------------------

local function fail(message)
	return { status = "completed", error = { message = message } };
end

local command_nodes = {};

-- A command for those who may administer the module (invite_desk:administer
-- on 13, admins on 0.12). An error inside it is answered, not left to time out.
local function admin_command(name, node, handler)
	table.insert(command_nodes, node);
	return adhoc_new(name, node, function (_, data, state)
		if not may_administer(data) then
			return { status = "error", error = { type = "auth", condition = "forbidden",
				text = "Only admins of "..host.." may use this command" } };
		end
		local ok, result, new_state = pcall(handler, data, state);
		if ok then return result, new_state; end
		module:log("error", "The command %s failed: %s", node, result);
		return { status = "error", error = { type = "wait", condition = "internal-server-error",
			text = "The command failed. The server's log says why." } };
	end, "admin");
end

-- An admin command with one form. Without a submitted form it shows the
-- form (with `initial(data)` values); a form sent with the first request runs it
-- at once. Fields that fail the form's own checks are named in the note.
local function form_command(name, node, layout, handler, initial)
	return admin_command(name, node, function (data)
		if data.action == "cancel" then return { status = "canceled" }; end
		if not data.form then
			return { status = "executing", actions = { "complete", default = "complete" },
				form = { layout = layout, values = initial and initial(data) } }, "executing";
		end
		local fields, errors = layout:data(data.form);
		if errors then
			local problems = {};
			for _, field in ipairs(layout) do
				if errors[field.name] then table.insert(problems, (field.label or field.name)..": "..errors[field.name]); end
			end
			return fail("Check these fields. "..table.concat(problems, "; ")..".");
		end
		return handler(fields, data);
	end);
end

-- A whole number from a form field, its default when left empty, or nil when out of range.
local function whole(fields, name, default, min, max)
	local text = fields[name];
	if text == nil or text:match("^%s*$") then return default; end
	local n = tonumber(text:match("^%s*(%d+)%s*$"));
	if not n or n < min or n > max then return nil; end
	return n;
end

-- A result table (XEP-0004 reported/item) of ledger records, after `fields`.
local COLUMNS = {
	{ "id", "Id" }, { "kind", "Kind" }, { "state", "State" }, { "uri", "Invite URI" },
	{ "landing-url", "Invite web page" }, { "created", "Created" }, { "expires", "Valid until" },
	{ "uses", "Uses" }, { "max-uses", "Use limit" }, { "used-by", "Used by", "text-multi" }, { "note", "Note" },
	{ "username", "For account" }, { "role", "Role" }, { "created-by", "Created by" }, { "source", "Made with" },
};

local function invite_table(records, fields)
	local x = st.stanza("x", { xmlns = "jabber:x:data", type = "result" })
		:tag("field", { var = "FORM_TYPE", type = "hidden" }):text_tag("value", NS_INVITES):up();
	for name, value in pairs(fields or {}) do
		x:tag("field", { var = name }):text_tag("value", tostring(value)):up();
	end
	x:tag("reported");
	for _, column in ipairs(COLUMNS) do x:tag("field", { var = column[1], label = column[2], type = column[3] }):up(); end
	x:up();
	for _, record in ipairs(records) do
		local row, uses = record.row, record.entry and record.entry.uses or {};
		-- Only a pending invite still opens a door: the others show no link.
		local stored = record.state == "pending" and record.stored or {};
		local used_by = {};
		for _, use in ipairs(uses) do table.insert(used_by, use.username.."@"..host.." "..iso(use.at)); end
		local values = {
			id = row.id, kind = row.kind, state = record.state, uri = stored.uri, ["landing-url"] = stored.landing_page,
			created = iso(row.created_at), expires = iso(row.expires), uses = tostring(#uses),
			["max-uses"] = row.max_uses and tostring(row.max_uses), note = row.note, username = row.username,
			role = row.role, ["created-by"] = row.created_by, source = row.source,
		};
		x:tag("item");
		for _, column in ipairs(COLUMNS) do
			x:tag("field", { var = column[1] });
			if column[1] == "used-by" then
				for _, line in ipairs(used_by) do x:text_tag("value", line); end
			elseif values[column[1]] then
				x:text_tag("value", values[column[1]]);
			end
			x:up();
		end
		x:up();
	end
	return x;
end

-- Creating invites --------------------------------------------------------

local create_layout = dataforms.new {
	title = "Create invites";
	instructions = "Leave a field empty for its default.";
	{ name = "FORM_TYPE", type = "hidden", value = NS_INVITES };
	{ name = "kind", type = "list-single", label = "Kind", value = "account", options = {
		{ label = "A new account", value = "account" },
		{ label = "A new password for an existing account", value = "reset" },
		{ label = "A new account that becomes a contact", value = "contact" },
	} };
	{ name = "count", type = "text-single", label = "How many (at most "..max_batch..")", value = 1 };
	{ name = "expires", type = "text-single", label = "Valid for, in seconds (0 = never expires)", value = default_ttl };
	{ name = "max-uses", type = "text-single", label = "Accounts per invite (0 = no limit)", value = 1 };
	{ name = "note", type = "text-single", label = "Note" };
	{ name = "username", type = "text-single", label = "Account name",
		desc = "The only account the invite may create; for a reset, the account; for a contact invite, whose contact." };
	-- 13 has a fixed set of roles, offered as options; 0.12 takes any name.
	usermanager.get_all_roles
		and { name = "role", type = "list-single", label = "Role of the new account" }
		or { name = "role", type = "text-single", label = "Role of the new account (e.g. prosody:admin)" };
};

-- Prosody 13: whether someone of role `own` may give `role` (none above their own).
local function may_grant(own, role)
	return own ~= nil and (role.priority or 0) <= (own.priority or 0);
end

local function check_role(name, requester)
	if #name > 100 or not name:match("^[%w_.:-]+$") then return nil, "A role is a name such as prosody:admin."; end
	-- Prosody 0.12 stores a set of role names; only prosody:admin means something to Prosody itself.
	if not usermanager.get_role_by_name then return { [name] = true }; end
	-- Prosody 13: a real role (get_role_by_name throws on any other), no higher than the requester's own.
	local known, role = pcall(usermanager.get_role_by_name, name, host);
	if not (known and role) then return nil, "There is no role "..name.." on "..host.."."; end
	if not may_grant(usermanager.get_jid_role(requester, host), role) then
		return nil, "You may not grant a role above your own.";
	end
	return { name };
end

-- The options of a create request, or nil and what is wrong with it.
local function parse_create(fields, requester)
	local kind = fields.kind or "account";
	if not KINDS[kind] then return nil, "Kind must be account, reset or contact."; end
	local count = whole(fields, "count", 1, 1, max_batch);
	if not count then return nil, "How many must be a whole number from 1 to "..max_batch.."."; end
	local max_uses = whole(fields, "max-uses", 1, 0, 1000000);
	if not max_uses then return nil, "Accounts per invite must be a whole number (0 for no limit)."; end
	local ttl = whole(fields, "expires", kind == "reset" and 86400 or default_ttl, 0, FOREVER);
	if not ttl then return nil, "Valid for must be a whole number of seconds (0 for never)."; end
	local note = fields.note ~= "" and fields.note or nil;
	if note and #note > 500 then return nil, "The note is longer than 500 characters."; end

	local username;
	if fields.username and fields.username ~= "" then
		username = nodeprep(fields.username);
		if not username or username == "" or #username > 1023 then
			return nil, ("%q is not a valid account name."):format(fields.username:sub(1, 50));
		end
	elseif kind == "contact" then -- a contact of the requester, when the requester has an account here
		local node, requester_host = jid_util.split(requester);
		username = requester_host == host and node or nil;
	end
	local exists = username and usermanager.user_exists(username, host);
	if kind == "account" then
		if exists then return nil, "The account "..username.." already exists."; end
		if username and (count ~= 1 or max_uses ~= 1) then
			return nil, "Only one account can be named "..username..": make one single-use invite.";
		end
	else
		if not username then return nil, "A "..kind.." invite needs the account name."; end
		if not exists then return nil, "There is no account "..username.." on "..host.."."; end
		if max_uses ~= 1 then return nil, "A "..kind.." invite works once: leave the use limit at 1."; end
		if kind == "reset" and count ~= 1 then return nil, "Make one password reset invite at a time."; end
	end

	local roles, problem;
	if fields.role and fields.role ~= "" then
		if kind == "reset" then return nil, "A password reset grants no role."; end
		roles, problem = check_role(fields.role, requester);
		if not roles then return nil, problem; end
	end
	return { kind = kind, count = count, ttl = ttl, max_uses = max_uses ~= 0 and max_uses or nil,
		note = note, username = username, roles = roles };
end

-- Builds invites as mod_invites does, and stores a whole batch in one write.
local function create_invites(options, requester)
	local now = os.time();
	local action = options.kind == "contact" and "roster" or "register";
	local jid = options.username and options.username.."@"..host or host;
	local batch, contact_copies, list = {}, {}, {};
	for _ = 1, options.count do
		local token = new_id.medium();
		local invite = {
			type = action; jid = jid; token = token; allow_registration = true;
			uri = url.build({ scheme = "xmpp", path = jid,
				query = action..";preauth="..token..(action == "roster" and ";ibr=y" or "") });
			created_at = now; expires = now + (options.ttl == 0 and FOREVER or options.ttl);
			-- Stock code deletes a non-reusable invite on its first use; this module enforces any other limit.
			reusable = options.max_uses ~= 1 or nil;
			additional_data = {
				source = requester; note = options.note; roles = options.roles;
				allow_reset = options.kind == "reset" and options.username or nil;
				-- 13's shell shows `note`; the rest is ours.
				invite_desk = { max_uses = options.max_uses, never_expires = options.ttl == 0 or nil, created_at = now };
			};
		};
		-- As mod_invites does, before storing: mod_invites_page (and 13's mod_invites) add the landing page here.
		module:fire_event("invite-created", invite);
		batch[token] = invite;
		if action == "roster" then contact_copies[token] = invite.expires; end
		table.insert(list, { row = describe(invite), stored = invite, state = "pending" });
	end
	local ok, err = tokens:set_keys(nil, batch);
	if ok and next(contact_copies) then ok, err = tokens:set_keys(options.username, contact_copies); end
	if not ok then return nil, err; end
	return list;
end

module:provides("adhoc", form_command("Create invites", NS_INVITES.."#create", create_layout, function (fields, data)
	local options, problem = parse_create(fields, data.from);
	if not options then return fail(problem); end
	local list, err = create_invites(options, data.from);
	if not list then
		module:log("error", "Could not store %d new invite(s): %s", options.count, err);
		return fail("The server could not store the invites. Its log says why.");
	end
	module:log("info", "%s created %d %s invite(s), the first %s",
		jid_util.bare(data.from), #list, options.kind, list[1].row.id);
	return { status = "completed", other = invite_table(list) };
end, function (data)
	-- Prosody 13: the roles the requester may grant, lowest first, and no role by default.
	if not usermanager.get_all_roles then return nil; end
	local own, grantable = usermanager.get_jid_role(data.from, host), {};
	for name, role in pairs(usermanager.get_all_roles(host) or {}) do
		if may_grant(own, role) then table.insert(grantable, { name = name, priority = role.priority or 0 }); end
	end
	table.sort(grantable, function (a, b)
		if a.priority ~= b.priority then return a.priority < b.priority; end
		return a.name < b.name;
	end);
	local options = { { label = "None", value = "", default = true } };
	for _, role in ipairs(grantable) do table.insert(options, { label = role.name, value = role.name }); end
	return { role = options };
end));

-- The ledger -------------------------------------------------------------

local list_layout = dataforms.new {
	title = "List invites";
	{ name = "FORM_TYPE", type = "hidden", value = NS_INVITES };
	{ name = "state", type = "list-single", label = "State", value = "all",
		options = { "all", "pending", "used", "expired", "revoked" } };
	{ name = "kind", type = "list-single", label = "Kind", value = "all",
		options = { "all", "account", "reset", "contact" } };
	{ name = "created-by", type = "text-single", label = "Created by (part of the address, or how it was made)" };
	{ name = "query", type = "text-single", label = "Search (id, note, account, creator, users)" };
	{ name = "sort", type = "list-single", label = "Order", value = "newest",
		options = { "newest", "oldest", "expires", "uses" } };
	{ name = "offset", type = "text-single", label = "Skip", value = 0 };
	{ name = "limit", type = "text-single", label = "Show at most ("..MAX_PAGE..")", value = PAGE };
};

-- Whether any of `texts` holds `wanted` (already lower case), ignoring case.
local function mentions(wanted, ...)
	for i = 1, select("#", ...) do
		local text = select(i, ...);
		if text ~= nil and text:lower():find(wanted, 1, true) then return true; end
	end
	return false;
end

local function matches(record, query)
	local row = record.row;
	if mentions(query, row.id, row.note, row.username, row.created_by, row.source) then return true; end
	for _, use in ipairs(record.entry and record.entry.uses or {}) do
		if mentions(query, use.username) then return true; end
	end
	return false;
end

local LISTED_KINDS = { all = true, account = true, reset = true, contact = true };

-- The first `n` of `list` by `before`, in order, for a page near the top of a
-- long list: a heap of the best n so far, whose root is the worst of them,
-- costs about one comparison for most records where sorting all costs ~17.
local function first_n(list, n, before)
	local heap = {};
	local function sift_down(i)
		local size = #heap;
		while true do
			local worst, left, right = i, 2 * i, 2 * i + 1;
			if left <= size and before(heap[worst], heap[left]) then worst = left; end
			if right <= size and before(heap[worst], heap[right]) then worst = right; end
			if worst == i then return; end
			heap[i], heap[worst] = heap[worst], heap[i];
			i = worst;
		end
	end
	for _, item in ipairs(list) do
		if #heap < n then
			local i = #heap + 1;
			heap[i] = item;
			local parent = math.floor(i / 2); -- no // before Lua 5.3
			while i > 1 and before(heap[parent], heap[i]) do
				heap[parent], heap[i] = heap[i], heap[parent];
				i, parent = parent, math.floor(parent / 2);
			end
		elseif before(item, heap[1]) then
			heap[1] = item;
			sift_down(1);
		end
	end
	table.sort(heap, before);
	return heap;
end

-- `list` in order up to position `last`; beyond it, in no particular order.
local function ordered_up_to(list, last, before)
	if last * 8 < #list then return first_n(list, last, before); end
	table.sort(list, before);
	return list;
end

module:provides("adhoc", form_command("List invites", NS_INVITES.."#list", list_layout, function (fields)
	local state, kind, order = fields.state or "all", fields.kind or "all", ORDERS[fields.sort or "newest"];
	if not STATES[state] then return fail("State must be all, pending, used, expired or revoked."); end
	if not LISTED_KINDS[kind] then return fail("Kind must be all, account, reset or contact."); end
	if not order then return fail("Order must be newest, oldest, expires or uses."); end
	local offset, limit = whole(fields, "offset", 0, 0, math.huge), whole(fields, "limit", PAGE, 1, MAX_PAGE);
	if not (offset and limit) then
		return fail("Skip must be a whole number, and Show at most one from 1 to "..MAX_PAGE..".");
	end
	local query = fields.query ~= "" and fields.query and fields.query:lower() or nil;
	local creator = fields["created-by"] ~= "" and fields["created-by"] and fields["created-by"]:lower() or nil;
	-- Filtered first: only what matches is sorted.
	local found = {};
	for _, record in ipairs(ledger()) do
		if (state == "all" or record.state == state) and (kind == "all" or record.row.kind == kind)
			and (not creator or mentions(creator, record.row.created_by, record.row.source))
			and (not query or matches(record, query)) then
			table.insert(found, record);
		end
	end
	local ordered = ordered_up_to(found, offset + limit, order);
	local page = {};
	for i = offset + 1, math.min(#ordered, offset + limit) do table.insert(page, ordered[i]); end
	return { status = "completed", other = invite_table(page, { total = #found }) };
end));

local revoke_layout = dataforms.new {
	title = "Revoke invites";
	{ name = "FORM_TYPE", type = "hidden", value = NS_INVITES };
	{ name = "ids", type = "text-multi", label = "Invite ids, one per line", required = true };
};

module:provides("adhoc", form_command("Revoke invites", NS_INVITES.."#revoke", revoke_layout, function (fields, data)
	local by_id = {};
	-- Read afresh: a revocation acts on what the server holds now.
	for _, record in ipairs(ledger(true)) do by_id[record.row.id] = record; end
	local wanted, unknown = {}, {};
	for line in fields.ids:gmatch("[^\r\n]+") do
		local id = line:match("^%s*(%x+)%s*$");
		local record = id and by_id[id:lower()];
		if record then table.insert(wanted, record); else table.insert(unknown, line:sub(1, 40)); end
	end
	if #unknown > 0 then return fail("No invite has the id "..table.concat(unknown, ", ")..". Nothing was revoked."); end
	if #wanted > MAX_PAGE then return fail("Revoke at most "..MAX_PAGE.." invites at once."); end
	local by, now, doomed, skipped = jid_util.bare(data.from), os.time(), {}, 0;
	for _, record in ipairs(wanted) do
		if record.state == "pending" or record.state == "expired" then
			local entry = record.entry or { invite = record.row, uses = {} };
			entry.revoked_at, entry.revoked_by = now, by;
			-- Marked first: the registration check refuses it even if the deletion below fails.
			local ok, err = save_entry(record.row.id, entry);
			if not ok then
				module:log("error", "Could not revoke invite %s: %s", record.row.id, err);
				return fail("The server could not store the revocation. Its log says why.");
			end
			record.state = "revoked";
			table.insert(doomed, record.stored);
		elseif record.state ~= "revoked" then
			skipped = skipped + 1;
		end
	end
	local ok, err = delete_invites(doomed);
	if not ok then module:log("error", "Could not delete revoked invites: %s", err); end
	module:log("info", "%s revoked %d invite(s)", by, #doomed);
	return { status = "completed", info = ("Revoked %d invite(s).%s"):format(#doomed,
		skipped > 0 and (" %d had been used up already."):format(skipped) or "") };
end));

module:provides("adhoc", admin_command("Purge expired invites", NS_INVITES.."#purge-expired", function (data)
	local now, expired, doomed = os.time(), {}, {};
	-- Read afresh, as a revocation does; this also drops records already past their time.
	local list, dropped = ledger(true);
	for _, record in ipairs(list) do
		local row = record.row;
		if record.stored and row.expires and row.expires < now then
			table.insert(expired, record);
			table.insert(doomed, record.stored);
			-- An invite used before it expired stays in the ledger, which must now know its expiry.
			if record.entry then
				record.entry.invite.expires = row.expires;
				save_entry(row.id, record.entry);
			end
		end
	end
	local ok, err = delete_invites(doomed);
	if not ok then
		module:log("error", "Could not purge expired invites: %s", err);
		return fail("The server could not delete the expired invites. Its log says why.");
	end
	module:log("info", "%s purged %d expired invite(s)", jid_util.bare(data.from), #expired);
	-- The records of purged invites that were used may be past the ledger's time already.
	local dropped_now = 0;
	for _, record in ipairs(expired) do
		if record.entry then
			local _, gone = forget_if_old(record.row.id, record.entry, now);
			if gone then dropped_now = dropped_now + 1; end
		end
	end
	log_dropped(dropped_now);
	dropped = dropped + dropped_now;
	local info = ("Purged %d expired invite(s)."):format(#expired);
	if dropped > 0 then
		info = info..(" Dropped %d ledger record(s) older than %g days."):format(dropped, ledger_days);
	end
	return { status = "completed", info = info };
end));

-- The policy switch ----------------------------------------------------------

local policy_layout = dataforms.new {
	title = "Registration policy";
	{ name = "FORM_TYPE", type = "hidden", value = NS_POLICY };
	{ name = "mode", type = "list-single", label = "Who may create an account", required = true, options = {
		{ label = "Anyone (open)", value = "open" },
		{ label = "Only people with an invite (invite-only)", value = "invite-only" },
		{ label = "Nobody (closed)", value = "closed" },
	} };
};

module:provides("adhoc", form_command("Registration policy", NS_POLICY, policy_layout, function (fields, data)
	local mode, by = fields.mode, jid_util.bare(data.from);
	if not POLICIES[mode] then return fail("The policy must be open, invite-only or closed."); end
	local ok, err = policy_store:set(nil, { mode = mode, changed_at = os.time(), changed_by = by });
	if not ok then
		module:log("error", "Could not store the registration policy: %s", err);
		return fail("The server could not store the policy. Its log says why.");
	end
	policy = mode;
	module:log("info", "%s set the registration policy to %s", by, mode);
	notify(st.stanza("policy", { xmlns = NS_POLICY, mode = mode, by = by, time = iso(os.time()) }));
	return { status = "completed", info = "Registration is now "..mode.."." };
end, function () return { mode = current_policy() }; end));

module:add_feature(NS_POLICY);
module:add_feature(NS_INVITES);
module:add_feature(NS_EVENTS);

-- Answers only those who may administer the module: a client's one question
-- for "may I?", since on 13 a custom role may list admin commands without
-- being an admin, and an admin's role may be denied this module.
module:hook("host-disco-info-node", function (event)
	if event.node ~= NODE_ADMIN then return; end
	if not may_administer(event) then
		event.origin.send(st.error_reply(event.stanza, "auth", "forbidden", "You may not administer Invite Desk on "..host));
		return true;
	end
	event.reply:tag("identity", { category = "automation", type = "command-list", name = "Invite Desk" }):up();
	for _, namespace in ipairs({ NS_POLICY, NS_INVITES, NS_EVENTS }) do
		event.reply:tag("feature", { var = namespace }):up();
	end
	event.exists = true;
end);

-- Prosody 13's mod_adhoc lists and runs a command for the roles given
-- adhoc:<node>, which adhoc.new gives prosody:admin. Every role that may
-- administer the module gets it too, so a custom role needs only
-- invite_desk:administer.
local function open_commands_to_administrators()
	if not (module.may and usermanager.get_all_roles) then return; end
	for role_name, role in pairs(usermanager.get_all_roles(host) or {}) do
		if role:may(module.name..":administer") then
			for _, node in ipairs(command_nodes) do module:default_permission(role_name, "adhoc:"..node); end
		end
	end
end

function module.load()
	open_commands_to_administrators();
	prune_history();
end
