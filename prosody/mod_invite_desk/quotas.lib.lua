-- Members who invite, within limits: who may (nobody but admins, every
-- member, or members of a role on 13), how many invites each may make per
-- period, how many may be pending at once, and how old an account must be.
-- Enforced on every way a member makes an invite: the module's own create
-- command, and stock mod_invites_adhoc's commands, which are refused before
-- they run. Also what is known of who invited whom, for the inviter tree.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local jid_util = util.lib "util.jid";
local dataforms = util.lib "util.dataforms";
local usermanager = util.lib "core.usermanager";

local host = module.host;

local NS_MEMBERS = "urn:x-invite-desk:members:0";
local NS_COMMANDS = "http://jabber.org/protocol/commands";
-- The stock commands that make invites: a contact invite (which lets someone
-- register where Prosody's config allows it) and an account invite (admins,
-- and on 13 whichever role is granted it).
local STOCK_CONTACT, STOCK_ACCOUNT = "urn:xmpp:invite#invite", "urn:xmpp:invite#create-account";
local DAY = 86400;
local MAX_ROWS = 10000;

-- Until an admin says otherwise, only admins invite, as in stock Prosody.
local DEFAULTS = { who = "admins", per_period = 3, period_days = 7, max_pending = 3, min_age_days = 7 };
local WHO = { admins = true, members = true, role = true };

-- 0.12's mod_invites_adhoc decides by these whether a member's contact invite lets its holder register.
local allow_user_invites = module:get_option_boolean("allow_user_invites", false);
local allow_user_invite_roles = module:get_option_set("allow_user_invites_by_roles", {});
local deny_user_invite_roles = module:get_option_set("deny_user_invites_by_roles", {});

return function (commands, ledger, permissions)
	local settings_store = module:open_store("invite_desk_member_invites");
	-- Per account: { joined, invited_by, invite, hold_invitees, made = { { id, at, expires }... } }
	local member_store = module:open_store("invite_desk_members");

	-- Kept in memory: this module is the store's only writer.
	local settings;
	local function current()
		if not settings then
			local saved, merged = settings_store:get(nil) or {}, {};
			for key, default in pairs(DEFAULTS) do merged[key] = saved[key] or default; end
			merged.role = saved.role;
			settings = merged;
		end
		return settings;
	end

	-- The records of accounts read so far, kept in memory so that changes made
	-- by requests that interleave (storage may yield) never overwrite each other.
	local records = {};
	local function record_of(username)
		if records[username] then return records[username]; end
		local stored, err = member_store:get(username);
		if stored == nil and err then return nil, err; end
		-- Another request may have read it while this one waited: the first copy counts.
		local record = records[username] or stored or {};
		record.made = record.made or {};
		records[username] = record;
		return record;
	end
	local function save(username)
		local ok, err = member_store:set(username, records[username]);
		if not ok then module:log("error", "Could not store what is known of %s: %s", username, err); end
		return ok, err;
	end

	-- Who invited each new account, and when it joined: the inviter tree, and its age.
	module:hook("user-registered", function (event)
		local invite = util.validated_invite(event);
		local row = invite and ledger.describe(invite);
		records[event.username] = {
			joined = os.time(), invited_by = row and row.created_by, invite = row and row.id, made = {},
		};
		save(event.username);
	end, -15);

	-- Prosody deletes a deleted account's stores, this one's record included.
	module:hook_global("user-deleted", function (event)
		if event.host == host then records[event.username] = nil; end
	end);

	-- When the account was made, or nil when it is not known (made before this
	-- module was loaded, on 0.12): such an account counts as old enough.
	local function joined_at(username)
		local record = record_of(username);
		if record and record.joined then return record.joined; end
		local info = usermanager.get_account_info and usermanager.get_account_info(username, host);
		return info and info.created or nil;
	end

	-- Prosody 13: whether the account holds `name`, or a primary role ranked at least as high.
	local function holds_role(username, name)
		if not (name and usermanager.get_role_by_name) then return false; end
		local known, wanted = pcall(usermanager.get_role_by_name, name, host);
		if not (known and wanted) then return false; end
		local own = usermanager.get_user_role(username, host);
		if own and (own.name == name or (own.priority or 0) >= (wanted.priority or 0)) then return true; end
		return (usermanager.get_user_secondary_roles(username, host) or {})[name] ~= nil;
	end

	-- Whether the sender of `context` (ad-hoc data or an iq event) may invite
	-- people at all, as a member; nil and why not, for them to read.
	local function admits(context)
		local username, from_host = jid_util.split(context.from or context.stanza.attr.from);
		if from_host ~= host or not username then return nil, "Only accounts of "..host.." may invite people to it."; end
		local rules = current();
		if rules.who == "admins" then return nil, "On "..host.." only the admins invite people."; end
		if rules.who == "role" and not holds_role(username, rules.role) then
			return nil, ("On %s only members with the role %s invite people."):format(host, tostring(rules.role));
		end
		local joined = joined_at(username);
		local ready = joined and joined + rules.min_age_days * DAY;
		if ready and ready > os.time() then
			return nil, ("You may invite people to %s once your account is %d days old, from %s."):format(
				host, rules.min_age_days, util.iso(ready));
		end
		return true;
	end

	-- The ledger's view of each invite a member made: whether it is still pending.
	local function still_pending(made, now)
		if (made.expires or math.huge) <= now then return false; end
		local entry = ledger.get_entry(made.id);
		return not (entry and (entry.revoked_at or #entry.uses > 0));
	end

	local in_flight = {}; -- invites being made now, by account: counted before they are stored
	local reservations = setmetatable({}, { __mode = "k" }); -- by coroutine
	local MAIN_THREAD = {}; -- Lua 5.1 has no object for the main thread

	-- Reserves `count` invites for a member within the quotas, or returns nil
	-- and why not, with when they may invite again.
	local function reserve(username, count)
		local record, err = record_of(username);
		if not record then
			module:log("error", "Could not read what is known of %s: %s", username, err);
			return nil, "The server could not check your invites. Its log says why.";
		end
		local now = os.time();
		local known = {}; -- what the ledger says of each invite made before now (reading it may yield)
		for _, made in ipairs(record.made) do known[made] = still_pending(made, now); end
		-- From here to the reservation nothing yields: requests of one member racing count each other's invites.
		local rules, flying = current(), in_flight[username] or 0;
		local since, recent, oldest, pending = now - rules.period_days * DAY, 0, nil, 0;
		for _, made in ipairs(record.made) do
			if made.at > since then
				recent = recent + 1;
				if not oldest or made.at < oldest then oldest = made.at; end
			end
			local open = known[made];
			if open == nil then open = (made.expires or math.huge) > now; end -- made meanwhile
			if open then pending = pending + 1; end
		end
		if rules.per_period > 0 and recent + flying + count > rules.per_period then
			local left = math.max(0, rules.per_period - recent - flying);
			local again = util.iso((oldest or now) + rules.period_days * DAY);
			if left > 0 then
				return nil, ("You may make %s more to %s now; more from %s."):format(util.counted(left, "invite"), host, again);
			end
			return nil, ("You have made %s to %s in the last %d days, as many as members may. "
				.."You may invite again from %s."):format(util.counted(recent + flying, "invite"), host, rules.period_days, again);
		end
		if rules.max_pending > 0 and pending + flying + count > rules.max_pending then
			return nil, ("You have %s to %s that nobody has used yet, as many as members may have. "
				.."You may invite again once one is used, expires or is revoked.")
				:format(util.counted(pending + flying, "invite"), host);
		end
		in_flight[username] = flying + count;
		local reservation = { done = false };
		function reservation.record(row)
			table.insert(record.made, { id = row.id, at = now, expires = row.expires });
		end
		function reservation.finish()
			if reservation.done then return; end
			reservation.done = true;
			in_flight[username] = (in_flight[username] or count) - count;
			if in_flight[username] <= 0 then in_flight[username] = nil; end
			-- What no quota needs any more: out of the period, and expired.
			local kept = {};
			for _, made in ipairs(record.made) do
				if made.at > since or (made.expires or math.huge) > now then table.insert(kept, made); end
			end
			record.made = kept;
			save(username);
		end
		return reservation;
	end

	-- Runs `make()`, which makes up to `count` invites for `username`, within
	-- the quotas: each invite it makes is counted (see invite-created below).
	-- Returns true and what `make` returned, or false and why not, with when
	-- they may invite again.
	local function making(username, count, make)
		local reservation, why = reserve(username, count);
		if not reservation then return false, why; end
		local thread = coroutine.running() or MAIN_THREAD;
		reservations[thread] = reservation;
		local ok, result, err = pcall(make);
		reservations[thread] = nil;
		reservation.finish();
		if not ok then error(result, 0); end
		return true, result, err;
	end

	-- Before mod_invites stores it: the invite counts for the member making it.
	module:hook("invite-created", function (invite)
		local reservation = reservations[coroutine.running() or MAIN_THREAD];
		if reservation and invite.allow_registration then reservation.record(ledger.describe(invite)); end
	end);

	-- Whether the stock contact invite command gives this member an invite that
	-- lets someone register, decided as mod_invites_adhoc decides it.
	local function contact_invite_registers(event)
		if module.may then return module:may("invites_adhoc:invite-users", event); end
		local roles = usermanager.get_roles and usermanager.get_roles(event.stanza.attr.from, host) or {};
		if roles["prosody:admin"] then return true; end
		for role in allow_user_invite_roles do if roles[role] then return true; end end
		for role in deny_user_invite_roles do if roles[role] then return false; end end
		return allow_user_invites;
	end

	-- The refusal a member's own client shows: an iq error with the reason, and
	-- the command canceled with the same note, as mod_adhoc refuses.
	local function refuse(event, node, condition, text)
		event.origin.send(st.error_reply(event.stanza, condition == "not-allowed" and "cancel" or "wait", condition, text)
			:up():tag("command", { xmlns = NS_COMMANDS, node = node, status = "canceled" })
			:tag("note", { type = "error" }):text(text));
		return true;
	end

	-- Stock commands that make an invite able to create an account, run by
	-- someone who does not administer the module: refused before they run
	-- when the member may not invite or is over quota, so no such invite is ever stored.
	module:wrap_event("iq-set/host/"..NS_COMMANDS..":command", function (handlers, event_name, event)
		local command = event.stanza.tags[1];
		local node = command and command.attr.node;
		if (node ~= STOCK_CONTACT and node ~= STOCK_ACCOUNT) or (command.attr.action or "execute") == "cancel"
			or permissions.may_administer(event) or (node == STOCK_CONTACT and not contact_invite_registers(event)) then
			return handlers(event_name, event);
		end
		local admitted, why = admits(event);
		if not admitted then return refuse(event, node, "not-allowed", why); end
		local member = jid_util.node(event.stanza.attr.from);
		local ran, handled = making(member, 1, function () return handlers(event_name, event); end);
		if not ran then return refuse(event, node, "resource-constraint", handled); end
		return handled;
	end);

	-- Whether accounts made with `inviter`'s invites wait for an admin's approval.
	local function holds_invitees(inviter)
		local username, inviter_host = jid_util.split(inviter);
		if inviter_host ~= host or not username then return false; end
		local record = record_of(username);
		return record ~= nil and record.hold_invitees == true;
	end

	-- Commands ---------------------------------------------------------------

	local role_field = usermanager.get_all_roles
		and { name = "role", type = "list-single", label = "The role, when members of one role invite" }
		or { name = "role", type = "text-single", label = "The role (Prosody 13 only)" };
	local settings_layout = dataforms.new {
		title = "Member invites";
		instructions = "Admins always may invite, and are never counted. 0 means no limit.";
		{ name = "FORM_TYPE", type = "hidden", value = NS_MEMBERS };
		{ name = "who", type = "list-single", label = "Who may invite people", options = {
			{ label = "Nobody but the admins", value = "admins" },
			{ label = "Every member", value = "members" },
			{ label = "Members of one role (Prosody 13)", value = "role" },
		} };
		role_field;
		{ name = "per-period", type = "text-single", label = "Invites per member per period" };
		{ name = "period-days", type = "text-single", label = "The period, in days" };
		{ name = "max-pending", type = "text-single", label = "Unused invites a member may have at once" };
		{ name = "min-age-days", type = "text-single", label = "Days an account must exist before it may invite" };
	};

	local function settings_values()
		local rules = current();
		local values = {
			who = rules.who, ["per-period"] = tostring(rules.per_period), ["period-days"] = tostring(rules.period_days),
			["max-pending"] = tostring(rules.max_pending), ["min-age-days"] = tostring(rules.min_age_days),
			role = rules.role,
		};
		if usermanager.get_all_roles then
			local options = {};
			for name in pairs(usermanager.get_all_roles(host) or {}) do table.insert(options, name); end
			table.sort(options);
			values.role = {};
			for _, name in ipairs(options) do
				table.insert(values.role, { label = name, value = name, default = name == rules.role });
			end
		end
		return values;
	end

	local node_settings = NS_MEMBERS.."#settings";
	module:provides("adhoc", commands.form("Member invites", node_settings, settings_layout, function (fields, data)
		local rules = current();
		local who = fields.who or rules.who;
		if not WHO[who] then return commands.fail("Who may invite must be admins, members or role."); end
		local role = fields.role ~= "" and fields.role or nil;
		if who == "role" then
			if not usermanager.get_role_by_name then return commands.fail("Roles need Prosody 13."); end
			local known, found = pcall(usermanager.get_role_by_name, role or "", host);
			if not (known and found) then return commands.fail("There is no role "..tostring(role).." on "..host.."."); end
		end
		local per_period = util.whole(fields, "per-period", rules.per_period, 0, 100000);
		local period_days = util.whole(fields, "period-days", rules.period_days, 1, 3650);
		local max_pending = util.whole(fields, "max-pending", rules.max_pending, 0, 100000);
		local min_age_days = util.whole(fields, "min-age-days", rules.min_age_days, 0, 3650);
		if not (per_period and period_days and max_pending and min_age_days) then
			return commands.fail("The limits must be whole numbers, and the period 1 to 3650 days.");
		end
		local by = jid_util.bare(data.from);
		local next_rules = { who = who, role = role, per_period = per_period, period_days = period_days,
			max_pending = max_pending, min_age_days = min_age_days, changed_by = by, changed_at = os.time() };
		local ok, err = settings_store:set(nil, next_rules);
		if not ok then
			module:log("error", "Could not store the member invite rules: %s", err);
			return commands.fail("The server could not store the rules. Its log says why.");
		end
		settings = next_rules;
		module:log("info", "%s set who may invite on %s to %s", by, host, who == "role" and "role "..role or who);
		return { status = "completed", info = "Saved who may invite people, and the limits." };
	end, settings_values));

	-- The inviter tree: every account (up to MAX_ROWS), who invited it and
	-- when it joined, with the invites it has pending and whether its invitees wait for approval.
	local tree_columns = {
		{ "jid", "Account" }, { "invited-by", "Invited by" }, { "joined", "Joined" },
		{ "pending", "Unused invites" }, { "hold-invitees", "Invitees wait for approval", "boolean" },
	};
	module:provides("adhoc", commands.admin("Who invited whom", NS_MEMBERS.."#tree", function ()
		local pending, used_by = {}, {};
		for _, record in ipairs(ledger.list()) do
			local creator = record.row.created_by;
			if creator and record.state == "pending" then pending[creator] = (pending[creator] or 0) + 1; end
			for _, use in ipairs(creator and record.entry and record.entry.uses or {}) do
				used_by[use.username] = used_by[use.username] or { by = creator, at = use.at };
			end
		end
		local rows, total = {}, 0;
		-- users() returns an iterator with its state: kept whole, not cut to one value by `or`.
		local each, state, first = usermanager.users(host);
		for username in each or function () end, state, first do
			total = total + 1;
			if total <= MAX_ROWS then
				local record = records[username] or member_store:get(username) or {};
				local use = used_by[username] or {};
				local jid = username.."@"..host;
				table.insert(rows, {
					jid = jid, ["invited-by"] = record.invited_by or use.by, joined = util.iso(record.joined or use.at),
					pending = pending[jid] or 0, ["hold-invitees"] = record.hold_invitees and "1" or "0",
				});
			end
		end
		local x = util.result_form(NS_MEMBERS, { total = total }, tree_columns, rows);
		return { status = "completed", other = x };
	end));

	local member_field = { name = "jid", type = "jid-single", label = "The member", required = true };
	local member_layout = dataforms.new {
		title = "A member's unused invites";
		{ name = "FORM_TYPE", type = "hidden", value = NS_MEMBERS };
		member_field;
	};
	local hold_layout = dataforms.new {
		title = "A member's invitees";
		{ name = "FORM_TYPE", type = "hidden", value = NS_MEMBERS };
		member_field;
		{ name = "hold", type = "boolean", label = "Accounts they invite wait for an admin's approval" };
	};

	-- A member of this host named in a form, as a bare JID and its username, or nil.
	local function member_named(fields)
		local username, member_host = jid_util.split(jid_util.bare(fields.jid or ""));
		if member_host ~= host or not username then return nil; end
		return username.."@"..host, username;
	end

	-- One request revokes every pending invite the member made, by any means.
	module:provides("adhoc", commands.form("Revoke a member's unused invites", NS_MEMBERS.."#revoke-pending",
		member_layout, function (fields, data)
			local jid = member_named(fields);
			if not jid then return commands.fail("Name an account of "..host.."."); end
			local theirs = {};
			for _, record in ipairs(ledger.list(true)) do
				if record.row.created_by == jid and record.state == "pending" then table.insert(theirs, record); end
			end
			local result, failure = ledger.revoke(theirs, jid_util.bare(data.from));
			if failure then return commands.fail("The server could not store the revocation. Its log says why."); end
			local revoked = #result.revoked;
			return { status = "completed", info = ("Revoked %s of %s."):format(util.counted(revoked, "unused invite"), jid),
				other = util.result_form(NS_MEMBERS, { revoked = revoked }) };
		end));

	module:provides("adhoc", commands.form("Hold a member's invitees for approval", NS_MEMBERS.."#hold-invitees",
		hold_layout, function (fields, data)
			local jid, username = member_named(fields);
			if not (jid and usermanager.user_exists(username, host)) then
				return commands.fail("There is no account "..tostring(fields.jid).." on "..host..".");
			end
			local record, err = record_of(username);
			if not record then return commands.fail("The server could not read that account's record: "..tostring(err)); end
			record.hold_invitees = fields.hold == true or nil;
			if not save(username) then return commands.fail("The server could not store it. Its log says why."); end
			module:log("info", "%s %s the invitees of %s", jid_util.bare(data.from),
				record.hold_invitees and "holds" or "releases", jid);
			return { status = "completed", info = record.hold_invitees
				and "From now on, accounts "..jid.." invites wait for an admin's approval."
				or "Accounts "..jid.." invites no longer wait for approval." };
		end));

	module:add_feature(NS_MEMBERS);

	return {
		xmlns = NS_MEMBERS;
		admits = admits;
		making = making;
		holds_invitees = holds_invitees;
	};
end
