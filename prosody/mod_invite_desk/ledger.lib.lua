-- The ledger: what is known of every invite, made by any means, with its
-- uses and revocation, read from Prosody's invite store and the module's own
-- records of invites Prosody no longer holds.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local jid_util = util.lib "util.jid";
local now_precise = util.lib "util.time".now;
local new_id = util.lib "util.id";

local host = module.host;
local invite_id, released_when_idle, validated_invite = util.invite_id, util.released_when_idle, util.validated_invite;

-- How long the ledger remembers an invite Prosody no longer holds (used up,
-- revoked or purged), counted from its last use, revocation or expiry.
local ledger_days = module:get_option_number("invite_desk_ledger_days", 365);
-- How long the ledger's whole copy, read for a listing, stays in memory after it was last used.
local keep_in_memory = module:get_option_number("invite_desk_keep_in_memory", 60);
-- Logs how long each read of the invite store takes: a baseline for benchmarks.
local log_timings = module:get_option_boolean("invite_desk_log_timings", false);

-- How long a registration that passed the use limit holds its place in it,
-- waiting for the account to be made: far longer than making one takes.
local RESERVATION_SECONDS = 60;

return function (changes, commands, activity)
	local tokens = module:open_store("invite_token", "map"); -- mod_invites' store
	local tokens_all = module:open_store("invite_token"); -- the same, read whole
	-- A small record per invite that was used or revoked, kept by invite id:
	-- { invite = row, uses = { { username, at }... }, revoked_at, revoked_by }.
	-- Prosody deletes a single-use invite once used: the row keeps what the ledger shows of it.
	local entry_store = module:open_store("invite_desk_ledger");

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
			needs_approval = desk.needs_approval;
			batch = desk.batch;
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

	-- Prosody 13's own password-reset command records nobody as the maker of
	-- its invites (nor may another module's command): name who ran the
	-- command. Before mod_invites stores the invite, so the source is stored with it.
	module:hook("invite-created", function (invite)
		local sender = commands.sender();
		if not sender then return; end
		invite.additional_data = invite.additional_data or {};
		if invite.additional_data.source == nil then invite.additional_data.source = sender; end
	end, 1);

	-- Storage may yield to other work inside Prosody (SQL drivers and others
	-- do): whatever reads an invite's record, decides, and writes it holds
	-- that invite's lock meanwhile, so no other change of it interleaves.
	local exclusively = util.locks();

	-- A record as it may be changed: the stored one, and the copy held for
	-- listings, change only once the store took the change.
	local function copy_entry(entry)
		local copy = {};
		for key, value in pairs(entry) do copy[key] = value; end
		local invite, uses = {}, {};
		for key, value in pairs(entry.invite) do invite[key] = value; end
		for i, use in ipairs(entry.uses) do uses[i] = use; end
		copy.invite, copy.uses = invite, uses;
		return copy;
	end

	local entries; -- every record, while a listing's copy is held: never changed but by save_entry
	-- Counts saves, so a copy read while another request saved (storage may
	-- yield between reading one record and the next) is read again, not kept.
	local saves = 0;
	local function get_entry(id)
		if entries then return entries[id]; end
		return entry_store:get(id);
	end
	local function save_entry(id, entry)
		local ok, err = entry_store:set(id, entry);
		if ok then
			saves = saves + 1;
			if entries then entries[id] = entry; end
		end
		return ok, err;
	end
	local function all_entries()
		for _ = 1, 3 do
			if entries then return entries; end
			local loaded, saves_before = {}, saves;
			for id in entry_store:users() do loaded[id] = entry_store:get(id); end
			if saves == saves_before then entries = loaded; end
			if not entries then module:log("debug", "The ledger changed while it was read: reading it again"); end
		end
		return entries or {};
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
			module:log("info", "Dropped %s older than %g days", util.counted(dropped, "ledger record"), ledger_days);
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

	-- Reading the invite store is what makes a listing cost: while its mark
	-- is the one a read found, that read still holds.
	local invite_store_mark = changes.marker("invite_token");
	local last_read; -- { stamp, invites }, while the store is unchanged

	-- What mod_invites stores, by token: the last read while its file is
	-- unchanged, unless `fresh` asks for a new read.
	local function stored_invites(fresh)
		local stamp = invite_store_mark(); -- before the read: a change during it makes the next mark differ
		if not fresh and stamp and last_read and last_read.stamp == stamp then return last_read.invites; end
		local started = now_precise();
		local invites = tokens_all:get(nil) or {};
		if log_timings then
			module:log("info", "Read the invite store in %.1f ms", (now_precise() - started) * 1000);
		end
		last_read = stamp and { stamp = stamp, invites = invites } or nil;
		return invites;
	end

	local keep_ledger_copy = released_when_idle(keep_in_memory, function ()
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

	-- Registrations that passed the use limit and whose account is being
	-- made, by invite id and username: counted against the limit until their
	-- use is recorded (or they time out, when the account was never made).
	local reserved = {};
	-- Uses the store would not take, by invite id: still counted, and stored
	-- with the invite's next change.
	local unsaved_uses = {};

	local function uses_counted(id, entry, now)
		local count = (entry and #entry.uses or 0) + #(unsaved_uses[id] or {});
		for _, expires in pairs(reserved[id] or {}) do
			if expires > now then count = count + 1; end
		end
		return count;
	end

	-- Whether the invite's use limit leaves room for one more. Call it, and
	-- reserve_use after it, holding the invite's lock, with its record as read under it.
	local function room_for_use(row, entry)
		return not row.max_uses or uses_counted(row.id, entry, os.time()) < row.max_uses;
	end
	local function reserve_use(row, username)
		reserved[row.id] = reserved[row.id] or {};
		reserved[row.id][username] = os.time() + RESERVATION_SECONDS;
	end

	-- Revokes the pending and expired invites among `records` (from list()),
	-- including those made outside the module, each under its lock with its
	-- record read again: another admin may have revoked it a moment ago.
	-- Returns { revoked = ids, used_up = ids, before = { { id, by, at }... } },
	-- and the error of a save that failed (which stops it there).
	local function revoke(records, by)
		local now, doomed = os.time(), {};
		local result = { revoked = {}, used_up = {}, before = {} };
		local failure;
		for _, record in ipairs(records) do
			local id = record.row.id;
			local outcome, detail = exclusively(id, function ()
				local entry = get_entry(id);
				if entry and entry.revoked_at then return "revoked before", entry; end
				if not (record.state == "pending" or record.state == "expired") then return "used up"; end
				entry = entry and copy_entry(entry) or { invite = record.row, uses = {} };
				entry.revoked_at, entry.revoked_by = now, by;
				-- Marked first: the registration check refuses it even if the deletion below fails.
				local ok, save_err = save_entry(id, entry);
				if not ok then return nil, save_err; end
				return "revoked";
			end);
			if outcome == "revoked" then
				record.state = "revoked";
				table.insert(result.revoked, id);
				table.insert(doomed, record.stored);
			elseif outcome == "revoked before" then
				table.insert(result.before, { id = id, by = detail.revoked_by, at = detail.revoked_at });
			elseif outcome == "used up" then
				table.insert(result.used_up, id);
			else
				module:log("error", "Could not revoke invite %s: %s", id, detail);
				failure = detail;
				break;
			end
		end
		local ok, err = delete_invites(doomed);
		if not ok then module:log("error", "Could not delete revoked invites: %s", err); end
		if #result.revoked > 0 then
			module:log("info", "%s revoked %s", by, util.counted(#result.revoked, "invite"));
			activity.record("invites-revoked", by, { count = #result.revoked }, result.revoked);
		end
		return result, failure;
	end

	-- Records the use before mod_invites_register (priority 0) deletes a
	-- single-use invite, so a crash in between cannot lose it from the ledger.
	local function record_use(event)
		local invite = validated_invite(event);
		if not invite then return; end
		local row = describe(invite);
		local uses = exclusively(row.id, function ()
			local stored = get_entry(row.id);
			local entry = stored and copy_entry(stored) or { invite = row, uses = {} };
			for _, use in ipairs(unsaved_uses[row.id] or {}) do table.insert(entry.uses, use); end
			table.insert(entry.uses, { username = event.username, at = os.time() });
			local ok, err = save_entry(row.id, entry);
			if ok then
				unsaved_uses[row.id] = nil;
			else
				module:log("error", "Could not record a use of invite %s (kept in memory, counted): %s", row.id, err);
				unsaved_uses[row.id] = unsaved_uses[row.id] or {};
				table.insert(unsaved_uses[row.id], entry.uses[#entry.uses]);
			end
			if reserved[row.id] then
				reserved[row.id][event.username] = nil;
				if next(reserved[row.id]) == nil then reserved[row.id] = nil; end
			end
			return #entry.uses;
		end);
		-- Stock Prosody keeps a reusable invite until it expires: take it out once
		-- used up, so preauth refuses it too. (Only account invites are reusable.)
		if invite.reusable and row.max_uses and uses >= row.max_uses then
			delete_invites({ { token = invite.token } });
		end
	end
	module:hook("user-registered", record_use, 10);
	module:hook("user-password-reset", record_use, 10);

	-- Adds what became of a member who used an invite to the record of that
	-- use (`onboarded`: what they got; `signed_in`: their first sign-in since).
	local function note_use(id, username, key, value)
		local entry = get_entry(id);
		if not entry then return; end
		for i = #entry.uses, 1, -1 do
			local use = entry.uses[i];
			if use.username == username then
				use[key] = value;
				local ok, err = save_entry(id, entry);
				if not ok then module:log("error", "Could not note the %s of %s on invite %s: %s", key, username, id, err); end
				return;
			end
		end
	end

	-- Exports: the whole ledger in one order, read and sorted once, then
	-- handed out page by page, so a page costs what its rows cost rather than
	-- a listing of the whole ledger. Each is its admin's alone, frozen as it
	-- was when it started, and let go once read to its end or idle.
	local EXPORT_IDLE_SECONDS, MAX_EXPORTS = 120, 8;
	local exports, open_exports = {}, 0; -- by id: { owner, rows, entries, states, used_at }

	local function end_export(id)
		exports[id], open_exports = nil, open_exports - 1;
	end

	-- Starts an export of every record in `order` for `owner` (a bare JID):
	-- returns its id and how many records it holds, or nil when too many are open.
	local function start_export(owner, order)
		local now = os.time();
		for id, export in pairs(exports) do
			if now - export.used_at > EXPORT_IDLE_SECONDS then end_export(id); end
		end
		if open_exports >= MAX_EXPORTS then return nil; end
		local list = ledger();
		table.sort(list, order);
		-- What a record shows may change with the next listing: keep this moment's.
		local export = { owner = owner, rows = {}, entries = {}, states = {}, used_at = now };
		for i, record in ipairs(list) do
			export.rows[i], export.entries[i], export.states[i] = record.row, record.entry or false, record.state;
		end
		local id = new_id.medium();
		exports[id], open_exports = export, open_exports + 1;
		return id, #list;
	end

	-- Hands the records of `owner`'s export `id` from position `first` on, as
	-- (row, entry, state), to `take`, until it returns false or the export
	-- ends (then it is let go). Returns how many the export holds and the
	-- position of the next record, nil at the end; nothing when no such
	-- export is open for `owner` or `first` is not in it.
	local function export_rows(owner, id, first, take)
		local export = exports[id];
		if not (export and first) or export.owner ~= owner then return nil; end
		if os.time() - export.used_at > EXPORT_IDLE_SECONDS then return nil; end
		local total = #export.rows;
		if first < 1 or first > total + 1 then return nil; end
		export.used_at = os.time();
		local position = first;
		while position <= total do
			local more = take(export.rows[position], export.entries[position] or nil, export.states[position]);
			position = position + 1;
			if not more then break; end
		end
		if position > total then
			end_export(id);
			return total, nil;
		end
		return total, position;
	end

	return {
		export = start_export;
		export_rows = export_rows;
		days = ledger_days;
		tokens = tokens;
		describe = describe;
		get_entry = get_entry;
		save_entry = save_entry;
		copy_entry = copy_entry;
		exclusively = exclusively;
		room_for_use = room_for_use;
		reserve_use = reserve_use;
		forget_if_old = forget_if_old;
		log_dropped = log_dropped;
		list = ledger;
		ORDERS = ORDERS;
		delete_invites = delete_invites;
		revoke = revoke;
		note_use = note_use;
	};
end
