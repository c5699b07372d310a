-- The gate at registration: the policy, and what an invite allows. Whether
-- a new account is held for approval is decided once it exists (requests.lib.lua).
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local usermanager = util.lib "core.usermanager";

local host = module.host;

-- What a sign-up without an invite carries past mod_invites_register while
-- registration is open (or asks to join). That module refuses every sign-up without a
-- validated invite when registration_invite_only is set (its default), in
-- its own words, which a translation or an upgrade may change: rather than
-- undo its refusal afterwards, by its text, the gate shows it a pass it
-- takes for an invite, and takes the pass back before deciding. The pass
-- grants nothing else: it carries no data, and the event it rides on ends
-- with the registration check.
local OPEN_PASS = {};

return function (policy, ledger)
	local function refuse(event, text)
		event.allowed = false;
		event.error = { type = "cancel", condition = "not-allowed", text = text };
		event.reason = text; -- for handlers that read the pre-util.error fields
		return true; -- the last word: nothing after this changes it
	end

	-- Before mod_invites_register (priority 0).
	module:hook("user-registering", function (event)
		-- Open, or approval (the account is held once made: requests.lib.lua).
		local mode = policy.current();
		if (mode == "open" or mode == "approval") and not util.validated_invite(event) then
			event.validated_invite = OPEN_PASS;
		end
	end, 10);

	-- After mod_invites_register and the other checks (priority 0), with the last word.
	module:hook("user-registering", function (event)
		if event.validated_invite == OPEN_PASS then event.validated_invite = nil; end
		local invite = util.validated_invite(event);
		local mode = policy.current();
		if mode == "closed" then
			-- A password reset creates no account, so it still works.
			if not (event.allow_reset == event.username and usermanager.user_exists(event.username, host)) then
				return refuse(event, "Registration on this server is closed");
			end
		end
		if not invite then
			-- Switched to invite-only since the pass was given: refused all the same.
			if mode == "invite-only" then return refuse(event, "Registration on this server is through invitation only"); end
			return;
		end
		if event.allowed == false then return; end
		local row = ledger.describe(invite);
		-- Prosody 0.12 and 13 never check the account an invite names.
		if row.username and row.username ~= event.username then
			return refuse(event, "This invite is for the account "..row.username.." only");
		end
		-- Storage may yield between reading the record and the account being
		-- made, letting other sign-ups run: the use is reserved under the
		-- invite's lock, and counted until user-registered records it.
		return ledger.exclusively(row.id, function ()
			local entry = ledger.get_entry(row.id);
			if entry and entry.revoked_at then
				-- The session checked its token before the invite was revoked.
				return refuse(event, "This invite has been revoked");
			end
			if not ledger.room_for_use(row, entry) then return refuse(event, "This invite has been used up"); end
			-- Prosody checks expiry at preauth only, and the invite it keeps in the session carries no expiry.
			local stored = ledger.tokens:get(nil, invite.token);
			if not stored then
				return refuse(event, "This invite is no longer valid"); -- deleted since, e.g. from the admin shell
			elseif type(stored.expires) == "number" and stored.expires < os.time() then
				return refuse(event, "This invite has expired");
			end
			ledger.reserve_use(row, event.username);
		end);
	end, -10);
end
