-- The gate at registration: the policy, and what an invite allows. Whether
-- a new account is held for approval is decided once it exists (requests.lib.lua).
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local usermanager = util.lib "core.usermanager";

local host = module.host;
local INVITE_ONLY = "Registration on this server is through invitation only";

return function (policy, ledger)
	local function refuse(event, text)
		event.allowed = false;
		event.error = { type = "cancel", condition = "not-allowed", text = text };
		event.reason = text; -- for handlers that read the pre-util.error fields
		return true; -- the last word: nothing after this changes it
	end

	-- mod_invites_register refuses token-less sign-ups at priority 0 when
	-- registration_invite_only is set; this runs after it and decides.
	module:hook("user-registering", function (event)
		local invite = util.validated_invite(event);
		local mode = policy.current();
		if mode == "closed" then
			-- A password reset creates no account, so it still works.
			if not (event.allow_reset == event.username and usermanager.user_exists(event.username, host)) then
				return refuse(event, "Registration on this server is closed");
			end
		end
		if not invite then
			if mode == "invite-only" then return refuse(event, INVITE_ONLY); end
			-- Open, or approval (the account is held once made): lift mod_invites_register's
			-- refusal, but never another module's (IP limits, blocklists).
			if event.allowed == false and event.reason == INVITE_ONLY and not event.error then
				event.allowed, event.reason = true, nil;
			end
			return;
		end
		if event.allowed == false then return; end
		local row = ledger.describe(invite);
		-- Prosody 0.12 and 13 never check the account an invite names.
		if row.username and row.username ~= event.username then
			return refuse(event, "This invite is for the account "..row.username.." only");
		end
		local entry = ledger.get_entry(row.id);
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
		local stored = ledger.tokens:get(nil, invite.token);
		if not stored then
			return refuse(event, "This invite is no longer valid"); -- deleted since, e.g. from the admin shell
		elseif type(stored.expires) == "number" and stored.expires < os.time() then
			return refuse(event, "This invite has expired");
		end
	end, -10);
end
