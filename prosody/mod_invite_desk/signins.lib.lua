-- Whether members who joined with an invite came back: the first time each
-- signs in again after signing up is noted on the ledger's record of that
-- use, so the growth picture can say how many of an invite's (or a kit's)
-- members have signed in since.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";

local host = module.host;

return function (ledger)
	-- One small record per member not seen since signing up: { invite = id }.
	local awaiting_store = module:open_store("invite_desk_awaiting");
	-- The same names in memory, read once on the first sign-in after a start:
	-- every other sign-in costs a lookup in this table, and no storage.
	local awaiting;

	local function load_awaiting()
		if awaiting then return awaiting; end
		local loaded = {};
		for username in awaiting_store:users() do loaded[username] = true; end
		awaiting = loaded;
		return awaiting;
	end

	local function forget(username)
		if awaiting then awaiting[username] = nil; end
		local ok, err = awaiting_store:set(username, nil);
		if not ok then module:log("error", "Could not drop %s from the members awaited: %s", username, err); end
	end

	module:hook("user-registered", function (event)
		local invite = util.validated_invite(event);
		if not invite then return; end
		local ok, err = awaiting_store:set(event.username, { invite = ledger.describe(invite).id, at = os.time() });
		if not ok then
			module:log("error", "Could not note that %s is yet to sign in: %s", event.username, err);
		elseif awaiting then
			awaiting[event.username] = true;
		end
	end, -20);

	module:hook("resource-bind", function (event)
		local session = event.session;
		-- The session that signed up binds straight after: that is no coming back.
		if session.validated_invite or not load_awaiting()[session.username] then return; end
		local record = awaiting_store:get(session.username);
		forget(session.username);
		if record and record.invite then ledger.note_use(record.invite, session.username, "signed_in", os.time()); end
	end);

	module:hook_global("user-deleted", function (event)
		if event.host == host and load_awaiting()[event.username] then forget(event.username); end
	end);
end
