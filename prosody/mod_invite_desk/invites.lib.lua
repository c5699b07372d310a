-- Invites: creating them with options mod_invites lacks, and the ledger's
-- commands to list, revoke and purge them.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local jid_util = util.lib "util.jid";
local dataforms = util.lib "util.dataforms";
local new_id = util.lib "util.id";
local nodeprep = util.lib "util.encodings".stringprep.nodeprep;
local usermanager = util.lib "core.usermanager";
local url = require "socket.url";

local host = module.host;

local NS_INVITES = "urn:x-invite-desk:invites:0";
local KINDS = { account = true, reset = true, contact = true };
local STATES = { all = true, pending = true, used = true, expired = true, revoked = true };
-- Stock code compares expiry times, so "never" is stored as a far future.
local FOREVER = 100 * 365 * 86400;
local PAGE, MAX_PAGE = 100, 1000;
-- An export's pages: rows per page by default and at most, and a bound on a
-- page's size (its values' bytes; escaping may add some), far below what
-- clients take in one stanza.
local EXPORT_PAGE, MAX_EXPORT_PAGE, MAX_EXPORT_BYTES = 1000, 10000, 1024 * 1024;

-- Prosody 13 reads periods such as "1 week"; 0.12 only numbers of seconds.
local default_ttl = module.get_option_period and module:get_option_period("invite_expiry", "1 week")
	or module:get_option_number("invite_expiry", 7 * 86400);
local max_batch = module:get_option_number("invite_desk_max_batch", 500);

return function (commands, ledger, roles, quotas, onboarding, activity)
	-- A result table (XEP-0004 reported/item) of ledger records, after `fields`.
	local COLUMNS = {
		{ "id", "Id" }, { "kind", "Kind" }, { "state", "State" }, { "uri", "Invite URI" },
		{ "landing-url", "Invite web page" }, { "created", "Created" }, { "expires", "Valid until" },
		{ "uses", "Uses" }, { "max-uses", "Use limit" }, { "used-by", "Used by", "text-multi" }, { "note", "Note" },
		{ "username", "For account" }, { "role", "Role" }, { "created-by", "Created by" }, { "source", "Made with" },
		{ "needs-approval", "Needs approval", "boolean" },
		{ "batch", "Batch" },
	};

	-- What the ledger shows of an invite, by column, into `values` (every
	-- column set, so an export reuses one table: allocating per row in a heap
	-- that holds the whole ledger cost more in garbage collection than the
	-- rest), with its uses as lines ("jid time", then words on what became
	-- of the member). Links from `stored` only: the others open no door.
	local function record_values(values, row, entry, state, stored)
		local uses, used_by = entry and entry.uses or {}, {};
		for _, use in ipairs(uses) do
			-- What became of the member follows the time, as words an older reader leaves alone.
			table.insert(used_by, use.username.."@"..host.." "..util.iso(use.at)
				..(use.signed_in and " signed-in:"..util.iso(use.signed_in) or "")
				..(use.onboarded and " "..use.onboarded or ""));
		end
		stored = stored or {};
		values.id, values.kind, values.state, values.uri, values["landing-url"] = row.id, row.kind, state, stored.uri,
			stored.landing_page;
		values.created, values.expires, values.uses = util.iso(row.created_at), util.iso(row.expires), tostring(#uses);
		values["max-uses"], values.note, values.username = row.max_uses and tostring(row.max_uses), row.note, row.username;
		values.role, values["created-by"], values.source, values.batch = row.role, row.created_by, row.source, row.batch;
		values["needs-approval"] = row.needs_approval and "1" or nil;
		return values, used_by;
	end

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
			-- Only a pending invite still opens a door: the others show no link.
			local stored = record.state == "pending" and record.stored;
			local values, used_by = record_values({}, record.row, record.entry, record.state, stored);
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
		-- The roles the requester may grant are the options (see initial values).
		{ name = "role", type = "list-single", label = "Role of the new account" };
		{ name = "needs-approval", type = "boolean", label = "Accounts made with it wait for an admin's approval" };
		{ name = "onboarding", type = "list-single", label = "What new members get", value = "defaults", options = {
			{ label = "The server's defaults", value = "defaults" },
			{ label = "The rooms, contacts and welcome below", value = "invite" },
		} };
		{ name = "rooms", type = "jid-multi", label = "Rooms to join" };
		{ name = "contacts", type = "jid-multi", label = "Accounts that become contacts" };
		{ name = "welcome", type = "text-multi", label = "Welcome message ({name}, {inviter}, {community})" };
		{ name = "welcome-from", type = "text-single", label = "Welcome sent from (empty: the server; or your own address)" };
	};


	-- The options of a create request, or nil and what is wrong with it.
	local function parse_create(fields, requester)
		local kind = fields.kind or "account";
		if not KINDS[kind] then return nil, "Kind must be account, reset or contact."; end
		local count = util.whole(fields, "count", 1, 1, max_batch);
		if not count then return nil, "How many must be a whole number from 1 to "..max_batch.."."; end
		local max_uses = util.whole(fields, "max-uses", 1, 0, 1000000);
		if not max_uses then return nil, "Accounts per invite must be a whole number (0 for no limit)."; end
		local ttl = util.whole(fields, "expires", kind == "reset" and 86400 or default_ttl, 0, FOREVER);
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

		local role = fields.role ~= "" and fields.role or nil;
		if role then
			if kind == "reset" then return nil, "A password reset grants no role."; end
			local allowed, problem = roles.check(role, requester);
			if not allowed then return nil, problem; end
		end
		local own_set, problem;
		if fields.onboarding == "invite" then
			if kind == "reset" then
				return nil, "A password reset makes no new member: it brings no rooms, contacts or welcome.";
			end
			own_set, problem = onboarding.check(fields, requester);
			if not own_set then return nil, problem; end
		elseif fields.onboarding and fields.onboarding ~= "defaults" then
			return nil, "What new members get must be defaults or invite.";
		elseif fields.rooms or fields.contacts or (fields.welcome or "") ~= "" then
			return nil, "To give this invite its own rooms, contacts or welcome, set What new members get to invite.";
		end
		return { kind = kind, count = count, ttl = ttl, max_uses = max_uses ~= 0 and max_uses or nil,
			note = note, username = username, role = role, needs_approval = fields["needs-approval"] == true,
			onboarding = own_set };
	end

	-- Builds invites as mod_invites does, and stores a whole batch in one write.
	local function create_invites(options, requester)
		local now = os.time();
		local action = options.kind == "contact" and "roster" or "register";
		local jid = options.username and options.username.."@"..host or host;
		local batch, contact_copies, list = {}, {}, {};
		local batch_id; -- the first invite's id, on every invite of a batch of several
		for _ = 1, options.count do
			local token = new_id.medium();
			batch_id = batch_id or (options.count > 1 and util.invite_id(token) or nil);
			local invite = {
				type = action; jid = jid; token = token; allow_registration = true;
				uri = url.build({ scheme = "xmpp", path = jid,
					query = action..";preauth="..token..(action == "roster" and ";ibr=y" or "") });
				created_at = now; expires = now + (options.ttl == 0 and FOREVER or options.ttl);
				-- Stock code deletes a non-reusable invite on its first use; this module enforces any other limit.
				reusable = options.max_uses ~= 1 or nil;
				additional_data = {
					-- Each invite its own table: Prosody's storage refuses a table stored twice in one write.
					source = requester; note = options.note; roles = options.role and roles.stored(options.role);
					allow_reset = options.kind == "reset" and options.username or nil;
					-- 13's shell shows `note`; the rest is ours.
					invite_desk = { max_uses = options.max_uses, never_expires = options.ttl == 0 or nil, created_at = now,
						needs_approval = options.needs_approval or nil, batch = batch_id,
						onboarding = options.onboarding and onboarding.copy(options.onboarding) };
				};
			};
			-- As mod_invites does, before storing: mod_invites_page (and 13's mod_invites) add the landing page here.
			module:fire_event("invite-created", invite);
			batch[token] = invite;
			if action == "roster" then contact_copies[token] = invite.expires; end
			table.insert(list, { row = ledger.describe(invite), stored = invite, state = "pending" });
		end
		-- Two writes for contact invites: the inviter's copies first, as alone
		-- they let nobody in; the batch that makes the invites exist last, and
		-- when it fails the copies are taken back. So a failure stores nothing
		-- the admin is told was not stored.
		if next(contact_copies) then
			local ok, err = ledger.tokens:set_keys(options.username, contact_copies);
			if not ok then return nil, err; end
		end
		local ok, err = ledger.tokens:set_keys(nil, batch);
		if not ok then
			if next(contact_copies) then
				local removals = {};
				for token in pairs(contact_copies) do removals[token] = ledger.tokens.remove; end
				local undone, undo_err = ledger.tokens:set_keys(options.username, removals);
				if not undone then
					module:log("warn", "Could not take back the copies of unstored contact invites: %s", undo_err);
				end
			end
			return nil, err;
		end
		return list;
	end

	-- What a member (not an admin) may make: invites for new accounts or
	-- contacts, each for one person, with no role, expiring in the usual time.
	local function member_problem(fields, options, requester)
		if fields.role and fields.role ~= "" then return "Members may not give the new account a role."; end
		if not options then return nil; end
		if options.kind == "reset" then return "Members may not make password reset invites."; end
		-- Rooms, contacts and a welcome speak for the community: an admin's choice.
		if options.onboarding then
			return "A member's invite brings the server's defaults: leave rooms, contacts and welcome to admins.";
		end
		if options.kind == "contact" and options.username ~= jid_util.node(requester) then
			return "A member's contact invite makes a contact of their own account only.";
		end
		if options.max_uses ~= 1 then return "A member's invite works once: leave the use limit at 1."; end
		if options.ttl == 0 or options.ttl > default_ttl then
			return ("A member's invite is valid for at most %d seconds (0, never, is for admins)."):format(default_ttl);
		end
	end

	-- Open to members where quotas.admits lets them, within their quotas.
	local node_create = NS_INVITES.."#create";
	module:provides("adhoc", commands.form("Create invites", node_create, create_layout, function (fields, data, as_member)
		local options, problem = parse_create(fields, data.from);
		problem = as_member and member_problem(fields, options, data.from) or problem;
		if problem then return commands.fail(problem); end
		local make = function () return create_invites(options, data.from); end;
		local list, err;
		if as_member then
			local within, made, failure = quotas.making(jid_util.node(data.from), options.count, make);
			if not within then return commands.fail(made); end -- over quota: why, and when they may invite again
			list, err = made, failure;
		else
			list, err = make();
		end
		if not list then
			module:log("error", "Could not store %s: %s", util.counted(options.count, "new invite"), err);
			return commands.fail("The server could not store the invites. Its log says why.");
		end
		module:log("info", "%s created %s, the first %s",
			jid_util.bare(data.from), util.counted(#list, options.kind.." invite"), list[1].row.id);
		local ids = {};
		for i, record in ipairs(list) do ids[i] = record.row.id; end
		activity.record("invites-created", data.from, { count = #list, ["invite-kind"] = options.kind }, ids);
		return { status = "completed", other = invite_table(list) };
	end, function (data, as_member)
		-- Members grant no role.
		return not as_member and { role = roles.grantable_options(data.from) } or nil;
	end, quotas.admits));

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
		{ name = "role", type = "text-single", label = "Only invites that give this role (* for any role)" };
		{ name = "sort", type = "list-single", label = "Order", value = "newest",
			options = { "newest", "oldest", "expires", "uses" } };
		{ name = "offset", type = "text-single", label = "Skip", value = 0 };
		{ name = "limit", type = "text-single", label = "Show at most ("..MAX_PAGE..")", value = PAGE };
	};


	local function matches(record, query)
		local row = record.row;
		if util.mentions(query, row.id, row.note, row.username, row.created_by, row.source) then return true; end
		for _, use in ipairs(record.entry and record.entry.uses or {}) do
			if util.mentions(query, use.username) then return true; end
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

	module:provides("adhoc", commands.form("List invites", NS_INVITES.."#list", list_layout, function (fields)
		local state, kind, order = fields.state or "all", fields.kind or "all", ledger.ORDERS[fields.sort or "newest"];
		if not STATES[state] then return commands.fail("State must be all, pending, used, expired or revoked."); end
		if not LISTED_KINDS[kind] then return commands.fail("Kind must be all, account, reset or contact."); end
		if not order then return commands.fail("Order must be newest, oldest, expires or uses."); end
		local offset, limit = util.whole(fields, "offset", 0, 0, math.huge), util.whole(fields, "limit", PAGE, 1, MAX_PAGE);
		if not (offset and limit) then
			return commands.fail("Skip must be a whole number, and Show at most one from 1 to "..MAX_PAGE..".");
		end
		local query = fields.query ~= "" and fields.query and fields.query:lower() or nil;
		local creator = fields["created-by"] ~= "" and fields["created-by"] and fields["created-by"]:lower() or nil;
		local role = fields.role ~= "" and fields.role or nil;
		-- Filtered first: only what matches is sorted.
		local found = {};
		for _, record in ipairs(ledger.list()) do
			if (state == "all" or record.state == state) and (kind == "all" or record.row.kind == kind)
				and (not creator or util.mentions(creator, record.row.created_by, record.row.source))
				and (not role or record.row.role == role or role == "*" and record.row.role ~= nil)
				and (not query or matches(record, query)) then
				table.insert(found, record);
			end
		end
		local ordered = ordered_up_to(found, offset + limit, order);
		local page = {};
		for i = offset + 1, math.min(#ordered, offset + limit) do table.insert(page, ordered[i]); end
		return { status = "completed", other = invite_table(page, { total = #found }) };
	end));

	-- The export: the whole ledger, newest first, in pages of text, a line
	-- per invite and a tab between its cells, in the order `columns` names
	-- them. A cell escapes tab, line feed, carriage return and backslash as
	-- \t, \n, \r and \\; a cell of "used-by" holds its lines joined by \n.
	-- A data form's field per value costs many times more to build, send and
	-- read: an export of 50,000 invites spent most of its time there.
	local EXPORT_COLUMNS = { "id", "kind", "state", "created", "expires", "uses", "max-uses", "note", "username", "role",
		"created-by", "source", "batch", "needs-approval", "used-by" };
	local ESCAPES = { ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r", ["\\"] = "\\\\" };
	local function cell(value)
		if value == nil then return ""; end
		if not value:find("[\t\n\r\\]") then return value; end
		return (value:gsub("[\t\n\r\\]", ESCAPES));
	end

	local export_layout = dataforms.new {
		title = "Export the ledger";
		{ name = "FORM_TYPE", type = "hidden", value = NS_INVITES };
		{ name = "cursor", type = "text-single", label = "Where the last page ended (empty to start)" };
		{ name = "limit", type = "text-single", label = "Invites per page (at most "..MAX_EXPORT_PAGE..")",
			value = EXPORT_PAGE };
	};
	local CLOSED_EXPORT = "This export is no longer open: an export ends when read to its end or after "
		.."two minutes without a page. Start it again.";

	-- An export's id and the position of its next row: a new export without a cursor.
	local function export_cursor(owner, cursor)
		if not cursor then return ledger.export(owner, ledger.ORDERS.newest), 1; end
		local id, position = cursor:match("^([%w_-]+):(%d+)$");
		return id, tonumber(position);
	end

	local function export_page(fields, data)
		local limit = util.whole(fields, "limit", EXPORT_PAGE, 1, MAX_EXPORT_PAGE);
		if not limit then
			return commands.fail("Invites per page must be a whole number from 1 to "..MAX_EXPORT_PAGE..".");
		end
		local owner, cursor = jid_util.bare(data.from), fields.cursor ~= "" and fields.cursor or nil;
		local id, first = export_cursor(owner, cursor);
		if not (id or cursor) then
			return commands.fail("Too many exports are under way on this server. Try again in two minutes.");
		end
		local lines, cells, values, bytes = {}, {}, {}, 0;
		local total, next_position = util.uncollected(function ()
			return ledger.export_rows(owner, id, first, function (row, entry, state)
				local used_by;
				values, used_by = record_values(values, row, entry, state);
				values["used-by"] = table.concat(used_by, "\n");
				for i, column in ipairs(EXPORT_COLUMNS) do cells[i] = cell(values[column]); end
				local line = table.concat(cells, "\t");
				lines[#lines + 1] = line;
				bytes = bytes + #line + 1;
				return #lines < limit and bytes < MAX_EXPORT_BYTES;
			end);
		end);
		if not total then return commands.fail(CLOSED_EXPORT); end
		local page = st.stanza("export", { xmlns = NS_INVITES, total = tostring(total),
			columns = table.concat(EXPORT_COLUMNS, " "), cursor = next_position and id..":"..next_position or nil });
		return { status = "completed", other = page:text(table.concat(lines, "\n")) };
	end
	module:provides("adhoc", commands.form("Export the ledger", NS_INVITES.."#export", export_layout, export_page));

	local revoke_layout = dataforms.new {
		title = "Revoke invites";
		{ name = "FORM_TYPE", type = "hidden", value = NS_INVITES };
		{ name = "ids", type = "text-multi", label = "Invite ids, one per line", required = true };
	};

	module:provides("adhoc", commands.form("Revoke invites", NS_INVITES.."#revoke", revoke_layout, function (fields, data)
		local by_id = {};
		-- Read afresh: a revocation acts on what the server holds now.
		for _, record in ipairs(ledger.list(true)) do by_id[record.row.id] = record; end
		local wanted, unknown = {}, {};
		for line in fields.ids:gmatch("[^\r\n]+") do
			local id = line:match("^%s*(%x+)%s*$");
			local record = id and by_id[id:lower()];
			if record then table.insert(wanted, record); else table.insert(unknown, line:sub(1, 40)); end
		end
		if #unknown > 0 then
			return commands.fail("No invite has the id "..table.concat(unknown, ", ")..". Nothing was revoked.");
		end
		if #wanted > MAX_PAGE then return commands.fail("Revoke at most "..MAX_PAGE.." invites at once."); end
		local result, failure = ledger.revoke(wanted, jid_util.bare(data.from));
		local revoked, used_up, before = #result.revoked, result.used_up, result.before;
		if failure then
			return commands.fail(("The server could not store the revocation. Its log says why.%s"):format(
				revoked > 0 and (" %s had been revoked before it failed."):format(util.counted(revoked, "other invite")) or ""));
		end
		-- The counts, for programs; the sentence, for people.
		local lines, told = {}, {};
		for i, earlier in ipairs(before) do
			lines[i] = ("%s %s %s"):format(earlier.id, earlier.by or "", util.iso(earlier.at));
			told[i] = ("%s by %s at %s"):format(earlier.id, earlier.by or "the server", util.iso(earlier.at));
		end
		local x = util.result_form(NS_INVITES, { revoked = revoked, ["used-up"] = used_up, ["already-revoked"] = lines });
		-- Nothing done, because someone else did it first: not a success.
		if revoked == 0 and #before > 0 then
			return commands.conflict(("Already revoked: %s."):format(table.concat(told, "; ")), x);
		end
		return { status = "completed", other = x, info = ("Revoked %s.%s%s"):format(util.counted(revoked, "invite"),
			#used_up > 0 and (" %d had been used up already."):format(#used_up) or "",
			#before > 0 and (" %d had been revoked already."):format(#before) or "") };
	end));

	module:provides("adhoc", commands.admin("Purge expired invites", NS_INVITES.."#purge-expired", function (data)
		local now, expired, doomed = os.time(), {}, {};
		-- Read afresh, as a revocation does; this also drops records already past their time.
		local list, dropped = ledger.list(true);
		for _, record in ipairs(list) do
			local row = record.row;
			if record.stored and row.expires and row.expires < now then
				-- An invite used before it expired stays in the ledger, which must now know its expiry:
				-- stored first, or the invite is not purged at all.
				if record.entry then
					local ok, err = ledger.exclusively(row.id, function ()
						local entry = ledger.copy_entry(ledger.get_entry(row.id) or record.entry);
						entry.invite.expires = row.expires;
						local saved, save_err = ledger.save_entry(row.id, entry);
						if saved then record.entry = entry; end
						return saved, save_err;
					end);
					if not ok then
						module:log("error", "Could not store the expiry of invite %s: %s", row.id, err);
						return commands.fail("The server could not store what the ledger keeps of the expired invites,"
							.." so none was purged. Its log says why.");
					end
				end
				table.insert(expired, record);
				table.insert(doomed, record.stored);
			end
		end
		local ok, err = ledger.delete_invites(doomed);
		if not ok then
			module:log("error", "Could not purge expired invites: %s", err);
			return commands.fail("The server could not delete the expired invites. Its log says why.");
		end
		module:log("info", "%s purged %s", jid_util.bare(data.from), util.counted(#expired, "expired invite"));
		-- The records of purged invites that were used may be past the ledger's time already.
		local dropped_now = 0;
		for _, record in ipairs(expired) do
			if record.entry then
				local _, gone = ledger.forget_if_old(record.row.id, record.entry, now);
				if gone then dropped_now = dropped_now + 1; end
			end
		end
		ledger.log_dropped(dropped_now);
		dropped = dropped + dropped_now;
		if #expired > 0 or dropped > 0 then
			activity.record("invites-purged", data.from, { count = #expired, dropped = dropped });
		end
		local info = ("Purged %s."):format(util.counted(#expired, "expired invite"));
		if dropped > 0 then
			info = info..(" Dropped %s older than %g days."):format(util.counted(dropped, "ledger record"), ledger.days);
		end
		-- The counts, for programs; the sentence, for people.
		return { status = "completed", info = info,
			other = util.result_form(NS_INVITES,
				{ purged = #expired, dropped = dropped, ["ledger-days"] = ("%g"):format(ledger.days) }) };
	end));

	module:add_feature(NS_INVITES);

	return { xmlns = NS_INVITES };
end
