-- mod_invite_desk: what an invite-only community needs from Prosody and stock
-- Prosody lacks: a runtime registration policy, invite options (expiry, use
-- limits, notes, bound usernames, roles, batches), an invite ledger with
-- revocation, and structured sign-up events with a history to catch up from.
--
-- Companion of the Invite Desk app; usable by any XMPP client (see README.md).

local st = require "util.stanza";
local jid_util = require "util.jid";
local datetime = require "util.datetime";
local hashes = require "util.hashes";
local id = require "util.id";
local url = require "socket.url";
local usermanager = require "core.usermanager";
local dataforms = require "util.dataforms";
local adhoc_util = require "util.adhoc";

local adhoc_new = module:require "adhoc".new;
module:depends "adhoc";
-- Registration must be possible in every policy we can switch to, whatever
-- allow_registration says: the policy below decides who gets in.
module:depends "register_ibr";
local invites = module:depends "invites";

local host = module.host;

local NS_POLICY = "urn:x-invite-desk:policy:0";
local NS_INVITES = "urn:x-invite-desk:invites:0";
local NS_EVENTS = "urn:x-invite-desk:events:0";

local MODES = { ["open"] = true, ["invite-only"] = true, ["closed"] = true };
local DEFAULT_MODE = module:get_option_string("invite_desk_default_policy", "invite-only");
local DEFAULT_TTL = module:get_option_number("invite_expiry", 86400 * 7);
local MAX_BATCH = module:get_option_number("invite_desk_max_batch", 500);
local HISTORY_ITEMS = module:get_option_number("invite_desk_history_items", 10000);
local HISTORY_SECONDS = module:get_option_number("invite_desk_history_days", 90) * 86400;
-- "Never expires" is stored as a far-future expiry, so stock code that
-- compares expiry times keeps working.
local NEVER = 100 * 365 * 86400;
local INVITE_ONLY_REFUSAL = "Registration on this server is through invitation only";

local policy_store = module:open_store("invite_desk_policy");
local ledger = module:open_store("invite_desk_ledger", "map");
local history = module:open_store("invite_desk_events", "archive");
local tokens = module:open_store("invite_token", "map"); -- shared with mod_invites
-- The same stores read whole, to list them (what mod_invites does too).
local ledger_all = module:open_store("invite_desk_ledger");
-- Uses (and, for invites made elsewhere, what is known of them) live in a small
-- file per invite: a registration then rewrites a few lines, never the ledger.
local usage = module:open_store("invite_desk_usage");

local function usage_of(key)
	return usage:get(key) or { uses = {} };
end

-- This module is the ledger's only writer, so it is read once and kept in
-- memory: registrations look invites up without loading a file that grows.
local ledger_cache;
local function ledger_get(key)
	if not ledger_cache then ledger_cache = ledger_all:get(nil) or {}; end
	return ledger_cache[key];
end
local function ledger_put(records)
	local ok, err = ledger:set_keys(nil, records);
	if ok and ledger_cache then
		for key, record in pairs(records) do ledger_cache[key] = record; end
	end
	return ok, err;
end
local tokens_all = module:open_store("invite_token");

-- Prosody 13 checks permissions per action; 0.12 knows only admins.
local is_admin;
if module.may then
	module:default_permission("prosody:admin", ":manage-invite-desk");
	function is_admin(event) return module:may(":manage-invite-desk", event); end
else
	function is_admin(event) return usermanager.is_admin(event.origin.full_jid, host); end
end

-- Public invite ids: never the token itself, which grants an account.
local function invite_id(token)
	return hashes.sha256(token, true):sub(1, 16);
end

local function iso(t)
	return t and datetime.datetime(t) or nil;
end

---------------------------------------------------------------------------
-- Registration policy
---------------------------------------------------------------------------

local function current_mode()
	local saved = policy_store:get(nil);
	local mode = saved and saved.mode;
	return MODES[mode] and mode or DEFAULT_MODE;
end

-- Sessions that asked for events and policy changes, by full JID.
local subscribers = {};

local function broadcast(payload)
	for full_jid in pairs(subscribers) do
		module:send(st.message({ from = host, to = full_jid, type = "headline", id = id.short() }):add_child(payload));
	end
end

local function set_mode(mode, by)
	local ok, err = policy_store:set(nil, { mode = mode, changed_at = os.time(), changed_by = by });
	if not ok then return nil, err; end
	module:log("info", "Registration policy set to %s by %s", mode, by or "?");
	broadcast(st.stanza("policy", { xmlns = NS_POLICY, mode = mode, by = by }));
	return true;
end

local function validated_invite_of(event)
	return event.validated_invite or (event.session and event.session.validated_invite);
end

-- Runs after mod_invites_register (priority 0), so it has the last word.
module:hook("user-registering", function (event)
	local mode = current_mode();
	local invite = validated_invite_of(event);
	if mode == "closed" then
		event.allowed = false;
		event.reason = "Registration on this server is closed";
		return true;
	end
	if not invite then
		if mode == "invite-only" then
			event.allowed = false;
			event.reason = INVITE_ONLY_REFUSAL;
			return true;
		end
		-- Open: lift only mod_invites_register's refusal, never another module's (IP limits, blocklists).
		if event.allowed == false and event.reason == INVITE_ONLY_REFUSAL then
			event.allowed, event.reason = true, nil;
		end
		return;
	end
	if event.allowed == false then return; end

	local record = ledger_get(invite_id(invite.token));
	if record and (record.revoked_at or usage_of(record.id).revoked_at) then
		event.allowed, event.reason = false, "This invite has been revoked";
		return true;
	end
	-- The validated invite carries its URI, and with it any bound account: no store read needed.
	local bound = (record and record.username) or (invite.uri and invite.uri:match("^xmpp:([^@?]+)@"));
	if bound and bound ~= event.username and not event.allow_reset then
		event.allowed, event.reason = false, "This invite is for the account "..bound.." only";
		return true;
	end
	if record and record.max_uses and not usermanager.user_exists(event.username, host) then
		-- Prosody handles one stanza at a time, so check-and-count here cannot race.
		local used = usage_of(record.id);
		if #used.uses >= record.max_uses then
			event.allowed, event.reason = false, "This invite has been used up";
			return true;
		end
		table.insert(used.uses, { username = event.username, at = os.time() });
		usage:set(record.id, used);
		event.session.invite_desk_counted = record.id;
	end
end, -10);

---------------------------------------------------------------------------
-- The ledger
---------------------------------------------------------------------------

-- A ledger record for an invite made elsewhere (prosodyctl, stock ad-hoc).
local function adopt(token, stock)
	local data = stock.additional_data or {};
	return {
		id = invite_id(token);
		token = token;
		kind = data.allow_reset and "reset" or (stock.type == "roster" and "contact" or "account");
		created_at = stock.created_at;
		expires = stock.expires;
		created_by = data.source and jid_util.bare(data.source) or nil;
		source = data.source and "adhoc" or "prosodyctl";
		username = jid_util.node(stock.jid);
		max_uses = (not stock.reusable) and 1 or nil;
		uri = stock.uri;
		landing_page = stock.landing_page;
	};
end

-- Record the use before mod_invites_register's handler (priority 0) deletes a single-use invite.
module:hook("user-registered", function (event)
	local session = event.session;
	local invite = validated_invite_of(event);
	local record;
	if invite and invite.token then
		local key = invite_id(invite.token);
		local used = usage_of(key);
		record = ledger_get(key);
		if not record then
			local stock = tokens:get(nil, invite.token);
			used.adopted = used.adopted or (stock and adopt(invite.token, stock))
				or { id = key, token = invite.token, kind = "account", source = "unknown" };
			record = used.adopted;
		end
		if not (session and session.invite_desk_counted == key) then
			table.insert(used.uses, { username = event.username, at = os.time() });
		end
		usage:set(key, used);
	end
	event.invite_desk_record = record;
end, 10);

local function state_of(record, now, stock)
	if record.revoked_at then return "revoked"; end
	local used = #(record.uses or {});
	if record.max_uses and used >= record.max_uses then return "used"; end
	if record.expires and record.expires < now then return used > 0 and "used" or "expired"; end
	if record.max_uses == 1 and not stock and used > 0 then return "used"; end
	if not stock and used == 0 then return "revoked"; end
	return "pending";
end

-- Every invite Prosody knows of: the ledger's, those used or revoked here, and the rest of the stock store.
local function all_invites()
	local now = os.time();
	local list, seen = {}, {};
	local stock_all = tokens_all:get(nil) or {};
	local function add(record)
		local used = usage_of(record.id);
		record.uses = used.uses;
		record.revoked_at = record.revoked_at or used.revoked_at;
		record.state = state_of(record, now, record.token and stock_all[record.token]);
		seen[record.token or record.id] = true;
		table.insert(list, record);
	end
	if not ledger_cache then ledger_cache = ledger_all:get(nil) or {}; end
	for _, record in pairs(ledger_cache) do add(setmetatable({}, { __index = record })); end
	for key in usage:users() do
		local adopted = usage_of(key).adopted;
		if adopted and not seen[adopted.token] then add(adopted); end
	end
	for token, stock in pairs(stock_all) do
		if type(stock) == "table" and not seen[token] then add(adopt(token, stock)); end
	end
	table.sort(list, function (a, b) return (a.created_at or 0) > (b.created_at or 0); end);
	return list;
end

---------------------------------------------------------------------------
-- Creating invites
---------------------------------------------------------------------------

local function uri_for(action, jid, token, params)
	return url.build({ scheme = "xmpp", path = jid, query = action..";preauth="..token..(params and (";"..params) or "") });
end

local function roles_for(role)
	if not role then return nil; end
	-- 0.12 stores roles as a set, 13 as a list.
	if module.may then return { role }; end
	return { [role] = true };
end

-- Builds invites the way mod_invites does and stores them all in one write.
local function create_account_invites(options, creator)
	local now = os.time();
	local ttl = options.ttl == 0 and NEVER or options.ttl;
	local batch, records = {}, {};
	for _ = 1, options.count do
		local token = id.medium();
		local jid = options.username and (options.username.."@"..host) or host;
		local data = { source = creator, roles = roles_for(options.role), groups = {} };
		if options.kind == "reset" then data.allow_reset = options.username; end
		local invite = {
			type = "register"; jid = jid; token = token; allow_registration = true;
			additional_data = data; uri = uri_for("register", jid, token);
			created_at = now; expires = now + ttl;
			reusable = options.max_uses ~= 1 or nil;
		};
		module:fire_event("invite-created", invite); -- lets mod_invites_page add its landing page
		batch[token] = invite;
		local record = {
			id = invite_id(token); token = token; kind = options.kind; created_at = now;
			expires = options.ttl ~= 0 and invite.expires or nil;
			created_by = jid_util.bare(creator); source = "invite_desk"; note = options.note;
			username = options.username; max_uses = options.max_uses; role = options.role;
			uri = invite.uri; landing_page = invite.landing_page;
		};
		records[record.id] = record;
	end
	local ok, err = tokens:set_keys(nil, batch);
	if not ok then return nil, err; end
	ok, err = ledger_put(records);
	if not ok then return nil, err; end
	local out = {};
	for _, record in pairs(records) do table.insert(out, record); end
	return out;
end

local function create_contact_invites(options, creator)
	local out = {};
	local username = options.username or jid_util.node(creator);
	for _ = 1, options.count do
		local ttl = options.ttl == 0 and NEVER or options.ttl;
		local invite, err = invites.create_contact(username, true, { source = creator }, ttl);
		if not invite then return nil, err; end
		local record = adopt(invite.token, invite);
		record.kind, record.source, record.note = "contact", "invite_desk", options.note;
		record.created_by = jid_util.bare(creator);
		record.expires = options.ttl ~= 0 and invite.expires or nil;
		ledger_put({ [record.id] = record });
		table.insert(out, record);
	end
	return out;
end

local create_layout = dataforms.new {
	title = "Create invites";
	instructions = "Expiry is in seconds; 0 means the invites never expire.";
	{ name = "FORM_TYPE", type = "hidden", value = NS_INVITES };
	{ name = "kind", type = "list-single", label = "Kind", value = "account",
		options = { { label = "Account", value = "account" }, { label = "Contact", value = "contact" }, { label = "Password reset", value = "reset" } } };
	{ name = "count", type = "text-single", label = "How many", value = "1" };
	{ name = "expires", type = "text-single", label = "Valid for (seconds, 0 = never)", value = tostring(DEFAULT_TTL) };
	{ name = "max-uses", type = "text-single", label = "Uses per invite (0 = unlimited until expiry)", value = "1" };
	{ name = "note", type = "text-single", label = "Note" };
	{ name = "username", type = "text-single", label = "Account name (bound; required for a reset)" };
	{ name = "role", type = "text-single", label = "Role (e.g. prosody:admin)" };
};

local function int(value, min, max)
	local n = tonumber(value);
	if not n or n ~= math.floor(n) or n < min or n > max then return nil; end
	return n;
end

local function parse_create(fields)
	local kind = fields.kind or "account";
	if kind ~= "account" and kind ~= "contact" and kind ~= "reset" then return nil, "Kind must be account, contact or reset."; end
	local count = int(fields.count or "1", 1, MAX_BATCH);
	if not count then return nil, "How many must be a whole number from 1 to "..MAX_BATCH.."."; end
	local ttl = int(fields.expires or tostring(DEFAULT_TTL), 0, NEVER);
	if not ttl then return nil, "Valid for must be a whole number of seconds (0 for never)."; end
	local max_uses = int(fields["max-uses"] or "1", 0, 1000000);
	if not max_uses then return nil, "Uses must be a whole number (0 for unlimited)."; end
	local note = fields.note;
	if note and #note > 500 then return nil, "The note is longer than 500 characters."; end
	local username;
	if fields.username and fields.username ~= "" then
		local prepped = jid_util.prep(fields.username.."@"..host);
		username = prepped and jid_util.node(prepped);
		if not username or username ~= fields.username:lower() then return nil, "The account name is not valid."; end
	end
	if kind == "reset" then
		if not username then return nil, "A password reset needs the account name."; end
		if not usermanager.user_exists(username, host) then return nil, "There is no account "..username.." on "..host.."."; end
		max_uses = 1;
	elseif username and kind == "account" and usermanager.user_exists(username, host) then
		return nil, "The account "..username.." already exists.";
	end
	local role = fields.role and fields.role ~= "" and fields.role or nil;
	if role and not role:match("^prosody:[%w_-]+$") then return nil, "The role must look like prosody:member."; end
	return { kind = kind, count = count, ttl = ttl, max_uses = max_uses ~= 0 and max_uses or nil,
		note = note ~= "" and note or nil, username = username, role = role };
end

local function invite_table(records)
	local x = st.stanza("x", { xmlns = "jabber:x:data", type = "result" })
		:tag("field", { var = "FORM_TYPE", type = "hidden" }):text_tag("value", NS_INVITES):up()
		:tag("reported")
			:tag("field", { var = "id", label = "Id" }):up()
			:tag("field", { var = "kind", label = "Kind" }):up()
			:tag("field", { var = "state", label = "State" }):up()
			:tag("field", { var = "uri", label = "Invite URI" }):up()
			:tag("field", { var = "landing-url", label = "Invite web page" }):up()
			:tag("field", { var = "created", label = "Created" }):up()
			:tag("field", { var = "expires", label = "Valid until" }):up()
			:tag("field", { var = "uses", label = "Uses" }):up()
			:tag("field", { var = "max-uses", label = "Use limit" }):up()
			:tag("field", { var = "used-by", label = "Used by", type = "text-multi" }):up()
			:tag("field", { var = "note", label = "Note" }):up()
			:tag("field", { var = "username", label = "For account" }):up()
			:tag("field", { var = "created-by", label = "Created by" }):up()
			:tag("field", { var = "source", label = "Made with" }):up()
		:up();
	local function field(name, value)
		x:tag("field", { var = name });
		if value ~= nil then x:text_tag("value", tostring(value)); end
		x:up();
	end
	for _, r in ipairs(records) do
		x:tag("item");
		field("id", r.id); field("kind", r.kind); field("state", r.state);
		-- Only pending invites still open a door; the others show no link.
		if r.state == nil or r.state == "pending" then
			field("uri", r.uri); field("landing-url", r.landing_page);
		else
			field("uri"); field("landing-url");
		end
		field("created", iso(r.created_at)); field("expires", iso(r.expires));
		field("uses", #(r.uses or {})); field("max-uses", r.max_uses);
		x:tag("field", { var = "used-by" });
		for _, use in ipairs(r.uses or {}) do x:text_tag("value", use.username.."@"..host.." "..iso(use.at)); end
		x:up();
		field("note", r.note); field("username", r.username); field("created-by", r.created_by); field("source", r.source);
		x:up();
	end
	return x;
end

module:provides("adhoc", adhoc_new("Create invites", NS_INVITES.."#create", adhoc_util.new_simple_form(create_layout, function (fields, errors, data)
	if errors then return { status = "completed", error = { message = "Some fields are not valid." } }; end
	local options, problem = parse_create(fields);
	if not options then return { status = "completed", error = { message = problem } }; end
	local records, err;
	if options.kind == "contact" then
		records, err = create_contact_invites(options, data.from);
	else
		records, err = create_account_invites(options, data.from);
	end
	if not records then
		module:log("error", "Creating invites failed: %s", err);
		return { status = "completed", error = { message = "The server could not store the invites." } };
	end
	for _, r in ipairs(records) do r.state = "pending"; end
	module:log("info", "%s created %d %s invite(s)", jid_util.bare(data.from), #records, options.kind);
	return { status = "completed", other = invite_table(records) };
end), "admin"));

---------------------------------------------------------------------------
-- Listing, revoking, purging
---------------------------------------------------------------------------

local list_layout = dataforms.new {
	title = "List invites";
	{ name = "FORM_TYPE", type = "hidden", value = NS_INVITES };
	{ name = "state", type = "list-single", label = "State", value = "all",
		options = { "all", "pending", "used", "expired", "revoked" } };
	{ name = "query", type = "text-single", label = "Search (note, account, id)" };
	{ name = "offset", type = "text-single", label = "Skip", value = "0" };
	{ name = "limit", type = "text-single", label = "At most", value = "100" };
};

local function matches(record, query)
	if not query or query == "" then return true; end
	query = query:lower();
	local haystack = { record.id, record.note, record.username, record.created_by };
	for _, use in ipairs(record.uses or {}) do table.insert(haystack, use.username); end
	for _, text in ipairs(haystack) do
		if text and text:lower():find(query, 1, true) then return true; end
	end
	return false;
end

module:provides("adhoc", adhoc_new("List invites", NS_INVITES.."#list", adhoc_util.new_simple_form(list_layout, function (fields, errors)
	if errors then return { status = "completed", error = { message = "Some fields are not valid." } }; end
	local state = fields.state or "all";
	local offset, limit = int(fields.offset or "0", 0, 10000000), int(fields.limit or "100", 1, 1000);
	if not offset or not limit then
		return { status = "completed", error = { message = "Skip and At most must be whole numbers (At most up to 1000)." } };
	end
	local found = {};
	for _, record in ipairs(all_invites()) do
		if (state == "all" or record.state == state) and matches(record, fields.query) then table.insert(found, record); end
	end
	local page = {};
	for i = offset + 1, math.min(#found, offset + limit) do table.insert(page, found[i]); end
	local x = invite_table(page);
	x:tag("field", { var = "total", type = "text-single" }):text_tag("value", tostring(#found)):up();
	return { status = "completed", other = x };
end), "admin"));

local revoke_layout = dataforms.new {
	title = "Revoke invites";
	{ name = "FORM_TYPE", type = "hidden", value = NS_INVITES };
	{ name = "ids", type = "text-multi", label = "Invite ids, one per line", required = true };
};

local function revoke(ids, by)
	local by_id = {};
	for _, record in ipairs(all_invites()) do by_id[record.id] = record; end
	local done, unknown = 0, {};
	for _, key in ipairs(ids) do
		local record = by_id[key];
		if not record then
			table.insert(unknown, key);
		elseif not record.revoked_at then
			invites.delete_account_invite(record.token);
			if record.kind == "contact" and record.username then tokens:set(record.username, record.token, nil); end
			-- Kept with the uses, so invites made elsewhere can be revoked too.
			local used = usage_of(record.id);
			used.revoked_at, used.revoked_by = os.time(), by;
			if not used.adopted and not ledger_get(record.id) then
				record.uses, record.state = nil, nil;
				used.adopted = record;
			end
			usage:set(record.id, used);
			done = done + 1;
		end
	end
	return done, unknown;
end

module:provides("adhoc", adhoc_new("Revoke invites", NS_INVITES.."#revoke", adhoc_util.new_simple_form(revoke_layout, function (fields, errors, data)
	if errors or not fields.ids then return { status = "completed", error = { message = "Give the ids of the invites to revoke." } }; end
	local ids = {};
	for line in fields.ids:gmatch("[^\r\n]+") do
		local key = line:match("^%s*([0-9a-f]+)%s*$");
		if not key then return { status = "completed", error = { message = "Not an invite id: "..line:sub(1, 40) } }; end
		table.insert(ids, key);
	end
	local done, unknown = revoke(ids, jid_util.bare(data.from));
	if #unknown > 0 then
		return { status = "completed", error = { message = "Unknown invite ids: "..table.concat(unknown, ", ") } };
	end
	module:log("info", "%s revoked %d invite(s)", jid_util.bare(data.from), done);
	return { status = "completed", info = "Revoked "..done.." invite(s)." };
end), "admin"));

module:provides("adhoc", adhoc_new("Purge expired invites", NS_INVITES.."#purge-expired", function (_, data)
	local now, removed = os.time(), 0;
	for token, stock in pairs(tokens_all:get(nil) or {}) do
		if type(stock) == "table" and stock.expires and stock.expires < now then
			tokens:set(nil, token, nil);
			removed = removed + 1;
		end
	end
	module:log("info", "%s purged %d expired invite(s)", jid_util.bare(data.from), removed);
	return { status = "completed", info = "Purged "..removed.." expired invite(s)." };
end, "admin"));

---------------------------------------------------------------------------
-- Policy switch
---------------------------------------------------------------------------

local policy_layout = dataforms.new {
	title = "Registration policy";
	{ name = "FORM_TYPE", type = "hidden", value = NS_POLICY };
	{ name = "mode", type = "list-single", label = "Who may create an account", required = true, options = {
		{ label = "Anyone (open)", value = "open" },
		{ label = "Only people with an invite", value = "invite-only" },
		{ label = "Nobody (closed)", value = "closed" },
	} };
};

module:provides("adhoc", adhoc_new("Set registration policy", NS_POLICY, adhoc_util.new_initial_data_form(policy_layout,
	function () return { mode = current_mode() }; end,
	function (fields, errors, data)
		if errors or not MODES[fields.mode] then
			return { status = "completed", error = { message = "Choose open, invite-only or closed." } };
		end
		local ok, err = set_mode(fields.mode, jid_util.bare(data.from));
		if not ok then
			module:log("error", "Storing the policy failed: %s", err);
			return { status = "completed", error = { message = "The server could not store the policy." } };
		end
		return { status = "completed", info = "Registration is now "..fields.mode.."." };
	end), "admin"));

---------------------------------------------------------------------------
-- Sign-up events and their history
---------------------------------------------------------------------------

local function signup_element(event, record, when)
	local session = event.session;
	local invite = validated_invite_of(event);
	local inviter = invite and invite.inviter and (invite.inviter.."@"..host) or (record and record.created_by);
	local el = st.stanza("signup", {
		xmlns = NS_EVENTS;
		username = event.username;
		jid = event.username.."@"..host;
		time = iso(when);
		ip = event.ip or (session and session.ip) or nil;
		invite = record and record.id or nil;
		inviter = inviter;
		source = (not inviter) and (record and record.source) or nil;
	});
	if record and record.note then el:text_tag("note", record.note); end
	return el;
end

local history_count;

local function prune_history()
	history:delete(nil, { ["end"] = os.time() - HISTORY_SECONDS });
	history:delete(nil, { truncate = math.floor(HISTORY_ITEMS * 0.9) });
	local _, total = history:find(nil, { total = true, limit = 0 });
	history_count = total or 0;
end

-- After the ledger hook (priority 10) and stock handlers: the account exists now.
module:hook("user-registered", function (event)
	local when = os.time();
	local el = signup_element(event, event.invite_desk_record, when);
	if (history_count or 0) >= HISTORY_ITEMS then prune_history(); end
	local key, err = history:append(nil, nil, el, when, nil);
	if not key then
		module:log("error", "Could not store the sign-up event: %s", err);
	else
		history_count = (history_count or 0) + 1;
		el.attr.id = key;
	end
	broadcast(el);
end, -10);

local function load_after(cursor, max)
	local query = { limit = max };
	if cursor and cursor ~= "" then query.after = cursor; end
	local iter, err = history:find(nil, query);
	if not iter then return nil, err; end
	local items = {};
	for key, item in iter do
		local el = st.clone(item);
		el.attr.id = key;
		table.insert(items, el);
	end
	return items;
end

-- One request both subscribes this session and returns everything after its
-- cursor, so no event can fall between catching up and going live.
module:hook("iq-set/host/"..NS_EVENTS..":subscribe", function (event)
	local origin, stanza = event.origin, event.stanza;
	if not is_admin(event) then
		origin.send(st.error_reply(stanza, "auth", "forbidden", "Only admins of "..host.." may follow sign-ups"));
		return true;
	end
	local cursor = stanza.tags[1].attr.after;
	local items, err = load_after(cursor, 1000);
	if not items and err == "item-not-found" and cursor then
		-- The cursor fell out of the history: send what there is, and say so.
		items = load_after(nil, 1000);
		items.gap = true;
	end
	if not items then
		origin.send(st.error_reply(stanza, "wait", "internal-server-error", "The sign-up history could not be read"));
		return true;
	end
	subscribers[origin.full_jid] = true;
	local reply = st.reply(stanza):tag("events", {
		xmlns = NS_EVENTS; gap = items.gap and "true" or nil; complete = #items < 1000 and "true" or "false";
	});
	reply:tag("policy", { xmlns = NS_POLICY, mode = current_mode() }):up();
	for _, el in ipairs(items) do reply:add_child(el); end
	origin.send(reply);
	return true;
end);

module:hook("iq-set/host/"..NS_EVENTS..":unsubscribe", function (event)
	subscribers[event.origin.full_jid or ""] = nil;
	event.origin.send(st.reply(event.stanza));
	return true;
end);

module:hook("resource-unbind", function (event)
	local session = event.session;
	if session and session.full_jid then subscribers[session.full_jid] = nil; end
end);

-- Lets clients find the module.
module:add_feature(NS_POLICY);
module:add_feature(NS_INVITES);
module:add_feature(NS_EVENTS);

function module.load()
	prune_history();
	if not MODES[DEFAULT_MODE] then
		module:log("error", "invite_desk_default_policy must be open, invite-only or closed, not %q", DEFAULT_MODE);
	end
end
