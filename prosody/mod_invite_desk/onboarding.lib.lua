-- What a new member gets on joining: bookmarks of rooms (and member
-- affiliation in the members-only ones), contacts, and a welcome message.
-- The host keeps defaults; an invite may carry its own set, which replaces
-- them for whoever uses it. The set is applied when the account is made, so
-- it happens whether or not any admin app is open.
-- luacheck: globals module, read globals prosody

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local jid_util = util.lib "util.jid";
local dataforms = util.lib "util.dataforms";
local new_id = util.lib "util.id";
local usermanager = util.lib "core.usermanager";
local rostermanager = util.lib "core.rostermanager";
local modulemanager = util.lib "core.modulemanager";
local hostmanager = util.lib "core.hostmanager";

local host = module.host;

local NS_ONBOARDING = "urn:x-invite-desk:onboarding:0";
local NS_BOOKMARKS = "urn:xmpp:bookmarks:1";
-- What Prosody's mod_bookmarks gives a new bookmarks node: private to the account, every room kept.
local BOOKMARKS_NODE = {
	persist_items = true; max_items = "max"; send_last_published_item = "never"; access_model = "whitelist";
};
local MAX_ROOMS, MAX_CONTACTS = 20, 20;

local max_welcome = module:get_option_number("invite_desk_welcome_length", 2000);
-- The community's name when no admin set one: what mod_invites_page calls the site.
local default_community = module:get_option_string("site_name", host);

return function (commands, ledger)
	local onboarding = { xmlns = NS_ONBOARDING };
	local defaults_store = module:open_store("invite_desk_onboarding");
	-- Handing the newcomer and each contact to each other is what mod_invites_register does for contact invites.
	local invites_register = module:depends "invites_register";

	-- The MUC service of a component of this host (one it lists in its
	-- service discovery), or nil: rooms elsewhere are not this host's to give.
	local function own_muc(component)
		if not hostmanager.get_children(host)[component] then return nil; end
		return modulemanager.get_module(component, "muc");
	end

	local function find_room(room_jid)
		local node, component = jid_util.split(room_jid);
		local muc = node and component and own_muc(component);
		local room = muc and muc.get_room_from_jid and muc.get_room_from_jid(room_jid);
		-- A destroyed room stays a while as a tombstone (muc_tombstones) that nobody can join.
		if not room or room._data.destroyed then return nil; end
		return room;
	end

	-- The values of a jid-multi field (a list, or nothing when left empty), without empty ones.
	local function values_of(list)
		local found = {};
		for _, value in ipairs(type(list) == "table" and list or {}) do
			if value ~= "" then table.insert(found, value); end
		end
		return found;
	end

	-- Plain text only: control characters other than line breaks and tabs go.
	local function plain(text)
		return (text or ""):gsub("\r\n?", "\n"):gsub("[%z\1-\8\11\12\14-\31\127]", ""):match("^%s*(.-)%s*$");
	end

	local function length(text)
		-- Characters where Lua counts them (5.3 and later), bytes elsewhere: never fewer than there are.
		local len = rawget(_G, "utf8") and _G.utf8.len(text);
		return len or #text;
	end

	-- A set from form fields, checked: { rooms = { jid... }, contacts = { username... },
	-- welcome = text or nil, welcome_from = bare JID or nil (the server) }, or nil and what is wrong.
	-- `kept_sender` is a sender that may stay although it is not the requester (the defaults' own).
	function onboarding.check(fields, requester, kept_sender)
		local set = { rooms = {}, contacts = {} };
		local rooms, contacts = values_of(fields.rooms), values_of(fields.contacts);
		if #rooms > MAX_ROOMS then return nil, "Choose at most "..MAX_ROOMS.." rooms."; end
		if #contacts > MAX_CONTACTS then return nil, "Choose at most "..MAX_CONTACTS.." contacts."; end
		local seen = {};
		for _, given in ipairs(rooms) do
			local room_jid = given;
			local node, component, resource = jid_util.split(room_jid);
			if not (node and component) or resource then
				return nil, ("%q is not the address of a room."):format(given:sub(1, 100));
			elseif not own_muc(component) then
				return nil, ("%s is not a room of %s's own chat service."):format(room_jid, host);
			elseif not find_room(room_jid) then
				return nil, ("The room %s no longer exists."):format(room_jid);
			end
			if not seen[room_jid] then table.insert(set.rooms, room_jid); seen[room_jid] = true; end
		end
		for _, given in ipairs(contacts) do
			-- A name alone means an account of this host.
			local node, contact_host = jid_util.split(given:find("@", 1, true) and given or jid_util.prep(given.."@"..host));
			if not node or contact_host ~= host then
				return nil, ("%s is not an account of %s."):format(given:sub(1, 100), host);
			elseif not usermanager.user_exists(node, host) then
				return nil, ("There is no account %s@%s."):format(node, host);
			end
			if not seen[node] then table.insert(set.contacts, node); seen[node] = true; end
		end
		local welcome = plain(fields.welcome);
		if length(welcome) > max_welcome then
			return nil, ("The welcome message is longer than %d characters."):format(max_welcome);
		end
		set.welcome = welcome ~= "" and welcome or nil;
		local from = fields["welcome-from"];
		if from and from ~= "" then
			-- Only from the admin who writes it: an admin may not speak for another account.
			from = jid_util.prep(from);
			if from ~= jid_util.bare(requester) and from ~= kept_sender then
				return nil, "A welcome comes from the server or from your own account.";
			end
			set.welcome_from = from;
		end
		return set;
	end

	-- Every invite stores a copy of its own: a batch must share no table.
	function onboarding.copy(set)
		local copy = { rooms = {}, contacts = {}, welcome = set.welcome, welcome_from = set.welcome_from };
		for i, room in ipairs(set.rooms) do copy.rooms[i] = room; end
		for i, contact in ipairs(set.contacts) do copy.contacts[i] = contact; end
		return copy;
	end

	local function defaults()
		return defaults_store:get(nil) or {};
	end

	-- Applying a set ------------------------------------------------------------

	-- Adds the rooms to the account's XEP-0402 bookmarks, with autojoin, beside
	-- those it has: a room it already has keeps its own bookmark. Prosody's
	-- mod_bookmarks shows these to clients that read XEP-0048 (private XML).
	local function bookmark(username, rooms)
		local pep = modulemanager.get_module(host, "pep");
		if not (pep and pep.get_pep_service) then return nil, "no-pep"; end
		local service, actor = pep.get_pep_service(username), username.."@"..host;
		local ok, existing = service:get_items(NS_BOOKMARKS, actor);
		if not ok and existing ~= "item-not-found" then return nil, "bookmarks-error"; end
		local have, node_exists = ok and existing or {}, ok;
		local wanted = {};
		for _, room in ipairs(rooms) do table.insert(wanted, { jid = room.jid, name = room.name, autojoin = true }); end
		-- mod_default_bookmarks gives its rooms only to an account without any
		-- bookmarks, which this account no longer is: they are added here.
		if modulemanager.is_loaded(host, "default_bookmarks") then
			for _, default in ipairs(module:get_option_array("default_bookmarks", {})) do
				if type(default) ~= "table" then default = { jid = default }; end
				local room_jid = type(default.jid) == "string" and jid_util.prep(default.jid);
				if room_jid then
					table.insert(wanted,
						{ jid = room_jid, name = default.name, autojoin = default.autojoin, password = default.password });
				end
			end
		end
		for _, room in ipairs(wanted) do
			if not have[room.jid] then
				local item = st.stanza("item", { xmlns = "http://jabber.org/protocol/pubsub", id = room.jid })
					:tag("conference", { xmlns = NS_BOOKMARKS, name = room.name, autojoin = room.autojoin and "true" or nil })
						:text_tag("nick", username);
				if room.password then item:text_tag("password", room.password); end
				-- A node the account made itself keeps its own configuration.
				local published, err = service:publish(NS_BOOKMARKS, actor, room.jid, item:reset(),
					not node_exists and BOOKMARKS_NODE or nil);
				if not published then
					module:log("warn", "Could not bookmark %s for %s: %s", room.jid, username, tostring(err));
					return nil, "bookmarks-error";
				end
				have[room.jid], node_exists = item, true;
			end
		end
		return true;
	end

	local function apply_rooms(username, room_jids, outcome)
		local user_jid, found = username.."@"..host, {};
		for _, room_jid in ipairs(room_jids) do
			local room = find_room(room_jid);
			if not room then
				table.insert(outcome, "room-failed:"..room_jid..":gone");
			else
				table.insert(found, { jid = room_jid, name = room:get_name() });
				if room:get_members_only() then
					-- Never over an affiliation the room already gives this name (an outcast stays one).
					local granted = room:get_affiliation(user_jid) == nil
						and room:set_affiliation(true, user_jid, "member", "Joined "..host.." with an invite");
					table.insert(outcome, granted and "member:"..room_jid or "member-failed:"..room_jid..":refused");
				end
			end
		end
		if #found == 0 then return; end
		local ok, problem = bookmark(username, found);
		for _, room in ipairs(found) do
			table.insert(outcome, ok and "room:"..room.jid or "room-failed:"..room.jid..":"..problem);
		end
	end

	-- The account and each contact become each other's contacts, both ways,
	-- in a group named after the community.
	local function apply_contacts(username, contacts, community, outcome)
		local user_jid = username.."@"..host;
		for _, contact in ipairs(contacts) do
			local contact_jid = contact.."@"..host;
			if contact == username or not usermanager.user_exists(contact, host) then
				table.insert(outcome, "contact-failed:"..contact_jid..":gone");
			else
				invites_register.subscribe_both(host, contact, username);
				local grouped = true;
				for _, pair in ipairs({ { username, contact_jid }, { contact, user_jid } }) do
					local owner, other = pair[1], pair[2];
					local roster = rostermanager.load_roster(owner, host);
					local item = roster and roster[other];
					if item then
						item.groups = item.groups or {};
						item.groups[community] = true;
						grouped = rostermanager.save_roster(owner, host, roster, other) and grouped;
					end
					rostermanager.roster_push(owner, host, other);
				end
				table.insert(outcome, grouped and "contact:"..contact_jid or "contact-failed:"..contact_jid..":roster-error");
			end
		end
	end

	-- Fills in {name}, {inviter} and {community}; any other brace stays as written.
	local function welcome_text(template, values)
		return (template:gsub("{(%a+)}", function (key) return values[key]; end));
	end

	-- Sent to the bare JID before the account's first sign-in, so Prosody's
	-- mod_offline keeps it until then: the first message the member sees.
	local function apply_welcome(username, set, values, outcome)
		local from = set.welcome_from;
		-- An admin who is gone speaks no more: the server does.
		if from and not usermanager.user_exists(jid_util.node(from), host) then from = nil; end
		from = from or host;
		local user_jid = username.."@"..host;
		local sessions = prosody.bare_sessions[user_jid];
		if not (sessions or modulemanager.is_loaded(host, "offline")) then
			table.insert(outcome, "welcome-failed:"..from..":no-offline");
			return;
		end
		module:send(st.message({ from = from, to = user_jid, type = "chat", id = new_id.short() })
			:text_tag("body", welcome_text(set.welcome, values)));
		table.insert(outcome, "welcome:"..from);
	end

	local function guarded(part, work, outcome, ...)
		local ok, err = pcall(work, ...);
		if not ok then
			module:log("error", "Onboarding could not finish its %s: %s", part, err);
			table.insert(outcome, part.."-failed:"..host..":error");
		end
	end

	-- What an invite brings, or the defaults: each part on its own, so that
	-- one that fails is named and the others still happen.
	local function apply(event)
		local invite = util.validated_invite(event);
		local data = invite and invite.additional_data;
		local own = data and data.invite_desk and data.invite_desk.onboarding;
		local saved = defaults();
		local set = own or saved;
		local outcome = {};
		local community = saved.community or default_community;
		if set.rooms and #set.rooms > 0 then guarded("room", apply_rooms, outcome, event.username, set.rooms, outcome); end
		if set.contacts and #set.contacts > 0 then
			guarded("contact", apply_contacts, outcome, event.username, set.contacts, community, outcome);
		end
		if set.welcome then
			local row = invite and ledger.describe(invite);
			local values = { name = event.username, inviter = row and row.created_by or community, community = community };
			guarded("welcome", apply_welcome, outcome, event.username, set, values, outcome);
		end
		return outcome;
	end

	-- After the stock handlers (roles, the invite's own contact) and the
	-- ledger's record of the use; before the sign-up event, which carries
	-- what the member got. The account exists already: nothing here can undo it.
	module:hook("user-registered", function (event)
		local ok, outcome = pcall(apply, event);
		if not ok then
			module:log("error", "Onboarding %s failed: %s", event.username, outcome);
			outcome = { "onboarding-failed:"..host..":error" };
		end
		if #outcome == 0 then return; end
		local line = table.concat(outcome, " ");
		module:log("info", "Onboarded %s: %s", event.username, line);
		event.invite_desk_onboarding = st.stanza("onboarding", { xmlns = NS_ONBOARDING }):text(line);
		local invite = util.validated_invite(event);
		if invite then ledger.note_use(ledger.describe(invite).id, event.username, "onboarded", line); end
	end, -5);

	-- The defaults, read and set by admins ------------------------------------

	local defaults_layout = dataforms.new {
		title = "What new members get";
		instructions = "Rooms to join, contacts to add and a welcome message, for every new account"
			.." whose invite brings none of its own.";
		{ name = "FORM_TYPE", type = "hidden", value = NS_ONBOARDING };
		{ name = "community", type = "text-single", label = "Community name (roster group, {community})" };
		{ name = "rooms", type = "jid-multi", label = "Rooms to join (on this server's chat service)" };
		{ name = "contacts", type = "jid-multi", label = "Accounts that become contacts" };
		{ name = "welcome", type = "text-multi", label = "Welcome message ({name}, {inviter}, {community})" };
		{ name = "welcome-from", type = "text-single", label = "Welcome sent from (empty: the server; or your own address)" };
	};

	module:provides("adhoc", commands.form("New members' defaults", NS_ONBOARDING, defaults_layout, function (fields, data)
		local set, problem = onboarding.check(fields, data.from, defaults().welcome_from);
		if not set then return commands.fail(problem); end
		local community = plain(fields.community);
		if length(community) > 100 then return commands.fail("The community name is longer than 100 characters."); end
		set.community = community ~= "" and community or nil;
		set.changed_by, set.changed_at = jid_util.bare(data.from), os.time();
		local ok, err = defaults_store:set(nil, set);
		if not ok then
			module:log("error", "Could not store the onboarding defaults: %s", err);
			return commands.fail("The server could not store the defaults. Its log says why.");
		end
		module:log("info", "%s set what new members get", set.changed_by);
		return { status = "completed", info = "New members get these from now on." };
	end, function ()
		local saved = defaults();
		local contacts = {};
		for i, contact in ipairs(saved.contacts or {}) do contacts[i] = contact.."@"..host; end
		-- A form sends text-multi as one value per line and drops empty ones: a space keeps a blank line.
		local welcome = saved.welcome and saved.welcome:gsub("\n\n", "\n \n"):gsub("\n\n", "\n \n");
		return { community = saved.community or default_community, rooms = saved.rooms or {}, contacts = contacts,
			welcome = welcome, ["welcome-from"] = saved.welcome_from };
	end));

	module:add_feature(NS_ONBOARDING);

	return onboarding;
end
