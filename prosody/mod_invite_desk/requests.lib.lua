-- Sign-ups held for an admin's approval ("ask to join"): the account exists
-- but cannot sign in until an admin approves it; a rejection deletes it.
-- Approving and rejecting each happen in one function here, whoever asks.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local jid_util = util.lib "util.jid";
local dataforms = util.lib "util.dataforms";
local nodeprep = util.lib "util.encodings".stringprep.nodeprep;
local usermanager = util.lib "core.usermanager";

local host = module.host;

local NS_REQUESTS = "urn:x-invite-desk:requests:0";
local PAGE, MAX_PAGE = 500, 1000;
-- Accounts named in one approval or rejection, and in one pushed decision.
local MAX_NAMED, PER_EVENT = 10000, 500;

-- Requests older than this are rejected by the module itself, so spam does not pile up while nobody looks.
local request_days = module:get_option_number("invite_desk_request_days", 14);

local WAITING = "Your account is waiting for approval by the admins of "..host
	..". You can sign in once they have approved it.";

return function (commands, events, policy, ledger, quotas, activity)
	local store = module:open_store("invite_desk_requests", "map"); -- under no user: username → request
	local store_all = module:open_store("invite_desk_requests"); -- the same, read whole
	local account_details = module:open_store("account_details"); -- mod_register_ibr's extra fields

	-- Every waiting request, by username: { at, ip, reason, invite, inviter, why }.
	-- Kept in memory, read once: this module is the store's only writer, and a
	-- decision claims its requests here before anything can yield, which is
	-- what makes an approval and a rejection racing end in one of the two.
	local held;
	local function waiting()
		if held then return held; end
		local loaded, err = store_all:get(nil);
		if loaded == nil and err then return nil, err; end
		held = held or loaded or {}; -- another request may have read it while this one waited
		return held;
	end

	local function is_held(username)
		local requests, err = waiting();
		if not requests then
			module:log("error", "Could not read the requests to join: %s", err);
			return false;
		end
		return username ~= nil and requests[username] ~= nil;
	end

	local function request_stanza(username, request)
		local element = st.stanza("request", {
			xmlns = NS_REQUESTS; username = username; jid = username.."@"..host; time = util.iso(request.at);
			ip = request.ip; invite = request.invite; inviter = request.inviter; why = request.why;
		});
		if request.reason then element:text_tag("reason", request.reason); end
		return element;
	end

	-- Tells subscribed admins that these accounts no longer wait, and how that ended.
	local function decided(outcome, usernames, by)
		for first = 1, #usernames, PER_EVENT do
			local element = st.stanza("decided", {
				xmlns = NS_REQUESTS; outcome = outcome; by = by; time = util.iso(os.time());
			});
			for i = first, math.min(#usernames, first + PER_EVENT - 1) do
				element:tag("account", { jid = usernames[i].."@"..host }):up();
			end
			events.notify(element);
		end
	end

	-- Why a new account waits for approval, or nil when it may sign in at once.
	local function hold_reason(event)
		local invite = util.validated_invite(event);
		if not invite then return policy.current() == "approval" and "no-invite" or nil; end
		local row = ledger.describe(invite);
		if row.needs_approval then return "invite"; end
		if row.created_by and quotas.holds_invitees(row.created_by) then return "inviter"; end
		return nil; -- an invite is an approval
	end

	local function reason_of(username)
		local details = account_details:get(username);
		local reason = type(details) == "table" and details.reason;
		if type(reason) ~= "string" or reason:match("^%s*$") then return nil; end
		return reason:sub(1, 1000);
	end

	-- After the roles, the ledger's record of the use and the sign-up event:
	-- the account is complete, and only then held.
	module:hook("user-registered", function (event)
		local why = hold_reason(event);
		if not why then return; end
		local requests, read_err = waiting();
		local username = event.username;
		if not requests then
			module:log("error", "Could not hold %s for approval: %s", username, read_err);
			return;
		end
		local invite = util.validated_invite(event);
		local row = invite and ledger.describe(invite);
		local session = event.session;
		local request = {
			at = os.time(); ip = event.ip or session and session.ip or nil; reason = reason_of(username);
			invite = row and row.id; inviter = row and row.created_by; why = why;
		};
		requests[username] = request; -- from here on its sign-in is refused
		-- Prosody 13 disables it too, so that nothing else lets it in; 0.12 cannot.
		if usermanager.disable_user then
			-- Not an admin's action: the request is what the activity log would show, were it one.
			local ok, err = activity.covering(username, function ()
				return usermanager.disable_user(username, host, { reason = "invite_desk:awaiting-approval" });
			end);
			if not ok then module:log("warn", "Could not disable %s while it waits: %s", username, err); end
		end
		local ok, err = store:set(nil, username, request);
		if not ok then module:log("error", "Could not store the request of %s to join: %s", username, err); end
		module:log("info", "%s waits for approval (%s)", username, why);
		events.notify(request_stanza(username, request));
	end, -20);

	-- Takes the named accounts (or all, for `true`) out of the waiting list at
	-- once, without yielding: whoever claims a request first decides it.
	-- Returns the claimed requests by username and the names that were not waiting.
	local function claim(usernames)
		local requests = held or {};
		local claimed, not_held = {}, {};
		if usernames == true then
			for username, request in pairs(requests) do claimed[username] = request; end
		else
			for _, username in ipairs(usernames) do
				if requests[username] then claimed[username] = requests[username]; else table.insert(not_held, username); end
			end
		end
		for username in pairs(claimed) do requests[username] = nil; end
		return claimed, not_held;
	end

	-- Removes decided requests from the store in one write.
	local function forget(usernames)
		if #usernames == 0 then return; end
		local keys = {};
		for _, username in ipairs(usernames) do keys[username] = store.remove; end
		local ok, err = store:set_keys(nil, keys);
		if not ok then
			module:log("error", "Could not remove %s to join: %s", util.counted(#usernames, "decided request"), err);
		end
	end

	-- Decides the claimed requests with `act(username)`; those it fails for
	-- wait again. Returns the names decided and those that failed.
	local function decide(claimed, act)
		local done, failed = {}, {};
		for username, request in pairs(claimed) do
			-- Logged as the decision, not as an account deleted or enabled.
			local ok, err = activity.covering(username, act);
			if ok then
				table.insert(done, username);
			elseif usermanager.user_exists(username, host) then
				module:log("error", "Could not decide the request of %s to join: %s", username, err);
				held[username] = request;
				table.insert(failed, username);
			else
				table.insert(done, username); -- gone meanwhile: nothing is left to decide
			end
		end
		table.sort(done);
		forget(done);
		return done, failed;
	end

	local function jids(usernames)
		local list = {};
		for i, name in ipairs(usernames) do list[i] = name:find("@", 1, true) and name or name.."@"..host; end
		return list;
	end

	local function enable(username)
		if not usermanager.enable_user then return true; end -- 0.12: only this module held it
		return usermanager.enable_user(username, host);
	end

	-- The one place an approval happens: the accounts may sign in from now on.
	local function approve(usernames, by)
		local loaded, err = waiting();
		if not loaded then return nil, err; end
		local claimed, not_held = claim(usernames);
		local approved, failed = decide(claimed, enable);
		if #approved > 0 then module:log("info", "%s approved %s", by or host, util.counted(#approved, "account")); end
		decided("approved", approved, by);
		if #approved > 0 then activity.record("requests-approved", by, { count = #approved }, nil, nil, jids(approved)); end
		return approved, not_held, failed;
	end

	-- The one place a rejection happens: the accounts are deleted, so their
	-- names are free again, or on 13 kept disabled when asked.
	local function reject(usernames, by, keep_disabled, outcome)
		local loaded, err = waiting();
		if not loaded then return nil, err; end
		local claimed, not_held = claim(usernames);
		local rejected, failed = decide(claimed, function (username)
			if keep_disabled then return true; end
			return usermanager.delete_user(username, host);
		end);
		if #rejected > 0 then
			module:log("info", "%s rejected %s%s", by or host, util.counted(#rejected, "account"),
				keep_disabled and ", kept disabled" or "");
		end
		outcome = outcome or (keep_disabled and "kept-disabled" or "rejected");
		decided(outcome, rejected, by);
		if #rejected > 0 then
			activity.record("requests-rejected", by, { count = #rejected, outcome = outcome }, nil, nil, jids(rejected));
		end
		return rejected, not_held, failed;
	end

	local function expire_old()
		local requests = waiting();
		if not requests then return; end
		local cutoff, old = os.time() - request_days * 86400, {};
		for username, request in pairs(requests) do
			if request.at < cutoff then table.insert(old, username); end
		end
		if #old > 0 then
			module:log("info", "Rejecting %s to join older than %g days", util.counted(#old, "request"), request_days);
			reject(old, nil, false, "expired");
		end
	end
	module:daily("Reject old requests to join", expire_old);

	-- An account deleted, or re-enabled on 13, by other means waits no more.
	local function settled_elsewhere(outcome)
		return function (event)
			if event.host ~= host or not waiting() then return; end
			local claimed = claim({ event.username });
			if next(claimed) == nil then return; end
			forget({ event.username });
			decided(outcome, { event.username }, nil);
		end;
	end
	module:hook_global("user-deleted", settled_elsewhere("rejected"));
	module:hook_global("user-enabled", settled_elsewhere("approved"));

	-- Signing in while held ---------------------------------------------------

	-- Prosody 0.12 has no disabled accounts, so its SASL handlers are wrapped:
	-- a held account that gives the right credentials is refused as disabled,
	-- with the waiting text. (On 13 the account is disabled as well, and its
	-- refusal gets the text below.) Wrapped once per handler and its clones.
	local function guard(handler)
		if not handler or rawget(handler, "process") then return handler; end
		local process, clean_clone = handler.process, handler.clean_clone;
		handler.process = function (self, message)
			local status, ret, text = process(self, message);
			if status == "success" and is_held(self.username) then return "failure", "account-disabled", WAITING; end
			return status, ret, text;
		end;
		handler.clean_clone = function (self) return guard(clean_clone(self)); end;
		return handler;
	end
	-- Before mod_saslauth takes an <auth/>: guards the handler it offered, or
	-- where it would start over with a new one, starts over here, guarded.
	module:hook("stanza/urn:ietf:params:xml:ns:xmpp-sasl:auth", function (event)
		local session = event.origin;
		if session.type ~= "c2s_unauthed" then return; end
		if not session.sasl_handler or session.sasl_handler.selected then
			session.sasl_handler = usermanager.get_sasl_handler(host, session);
		end
		guard(session.sasl_handler);
	end, 1);
	-- Prosody 13 (and SASL2) read the text back from this event.
	module:hook("authentication-failure", function (event)
		local handler = event.session and event.session.sasl_handler;
		local condition = event.condition or event.message; -- SASL2 names it `message`
		if condition ~= "account-disabled" or not (handler and is_held(handler.username)) then return; end
		event.text, event.error_text = WAITING, WAITING;
	end, -100);
	-- Whatever signed it in (legacy auth on 0.12, say), a held account binds no session.
	module:hook("pre-resource-bind", function (event)
		if not is_held(event.session.username) then return; end
		event.error = { type = "auth", condition = "not-authorized", text = WAITING };
		return false;
	end);

	-- Commands ----------------------------------------------------------------

	local COLUMNS = {
		{ "jid", "Account" }, { "time", "Asked at" }, { "ip", "From address" }, { "reason", "Reason" },
		{ "invite", "Invite used" }, { "inviter", "Invited by" }, { "why", "Why it waits" },
	};

	local list_layout = dataforms.new {
		title = "Requests to join";
		{ name = "FORM_TYPE", type = "hidden", value = NS_REQUESTS };
		{ name = "offset", type = "text-single", label = "Skip", value = 0 };
		{ name = "limit", type = "text-single", label = "Show at most ("..MAX_PAGE..")", value = PAGE };
	};

	module:provides("adhoc", commands.form("Requests to join", NS_REQUESTS.."#list", list_layout, function (fields)
		local offset, limit = util.whole(fields, "offset", 0, 0, math.huge), util.whole(fields, "limit", PAGE, 1, MAX_PAGE);
		if not (offset and limit) then
			return commands.fail("Skip must be a whole number, and Show at most one from 1 to "..MAX_PAGE..".");
		end
		expire_old();
		local requests, err = waiting();
		if not requests then
			module:log("error", "Could not read the requests to join: %s", err);
			return commands.fail("The server could not read the requests. Its log says why.");
		end
		local names = {};
		for username in pairs(requests) do table.insert(names, username); end
		-- Newest first; ties by name, so pages stay stable.
		table.sort(names, function (a, b)
			if requests[a].at ~= requests[b].at then return requests[a].at > requests[b].at; end
			return a < b;
		end);
		local rows = {};
		for i = offset + 1, math.min(#names, offset + limit) do
			local username = names[i];
			local request = requests[username];
			table.insert(rows, {
				jid = username.."@"..host, time = util.iso(request.at), ip = request.ip, reason = request.reason,
				invite = request.invite, inviter = request.inviter, why = request.why,
			});
		end
		local x = util.result_form(NS_REQUESTS, { total = #names, days = request_days }, COLUMNS, rows);
		return { status = "completed", other = x };
	end));

	-- The usernames a form names (one per line, as names or JIDs of this
	-- host), or true for all; a line that names no account here stays as
	-- written, and is reported as not waiting.
	local function named(fields)
		if fields.all then return true; end
		local usernames = {};
		for line in (fields.accounts or ""):gmatch("[^\r\n]+") do
			local text = line:match("^%s*(.-)%s*$");
			local node, line_host = text, host;
			if text:find("@", 1, true) then node, line_host = jid_util.split(text); end
			local username = line_host == host and node and nodeprep(node);
			if text ~= "" then table.insert(usernames, username or text:sub(1, 100)); end
			if #usernames > MAX_NAMED then return nil; end
		end
		return usernames;
	end

	-- What a decision did, in fields an app reads: the accounts decided, those
	-- that were not waiting (nothing changed for them) and those that failed.
	local function decision_form(field, names, not_held, failed)
		return util.result_form(NS_REQUESTS, { [field] = jids(names), ["not-held"] = jids(not_held), failed = jids(failed) });
	end

	local function summary(verb, names, not_held, failed)
		local text = ("%s %s."):format(verb, util.counted(#names, "account"));
		if #not_held > 0 then
			text = text..(" %d did not wait for approval, and nothing changed for them: %s."):format(#not_held,
				table.concat(not_held, ", "):sub(1, 500));
		end
		if #failed > 0 then text = text..(" %d could not be changed; the server's log says why."):format(#failed); end
		return text;
	end

	local accounts_field = { name = "accounts", type = "text-multi", label = "Accounts, one per line" };
	local all_field = { name = "all", type = "boolean", label = "Every account that waits" };

	module:provides("adhoc", commands.form("Approve requests to join", NS_REQUESTS.."#approve", dataforms.new {
		title = "Approve requests to join";
		{ name = "FORM_TYPE", type = "hidden", value = NS_REQUESTS };
		accounts_field;
		all_field;
	}, function (fields, data)
		local usernames = named(fields);
		if not usernames then return commands.fail("Name at most "..MAX_NAMED.." accounts at once."); end
		local approved, not_held, failed = approve(usernames, jid_util.bare(data.from));
		if not approved then return commands.fail("The server could not read the requests. Its log says why."); end
		return { status = "completed", info = summary("Approved", approved, not_held, failed),
			other = decision_form("approved", approved, not_held, failed) };
	end));

	module:provides("adhoc", commands.form("Reject requests to join", NS_REQUESTS.."#reject", dataforms.new {
		title = "Reject requests to join";
		instructions = "A rejected account is deleted, so its name is free again.";
		{ name = "FORM_TYPE", type = "hidden", value = NS_REQUESTS };
		accounts_field;
		all_field;
		{ name = "keep-disabled", type = "boolean", label = "Keep the accounts, disabled, instead (Prosody 13)" };
	}, function (fields, data)
		if fields["keep-disabled"] and not usermanager.disable_user then
			return commands.fail("Keeping an account disabled needs Prosody 13; on "..host.." a rejected account is deleted.");
		end
		local usernames = named(fields);
		if not usernames then return commands.fail("Name at most "..MAX_NAMED.." accounts at once."); end
		local rejected, not_held, failed = reject(usernames, jid_util.bare(data.from), fields["keep-disabled"] == true);
		if not rejected then return commands.fail("The server could not read the requests. Its log says why."); end
		return { status = "completed", info = summary("Rejected", rejected, not_held, failed),
			other = decision_form("rejected", rejected, not_held, failed) };
	end));

	module:add_feature(NS_REQUESTS);

	return { xmlns = NS_REQUESTS, approve = approve, reject = reject };
end
