-- Sign-up events: pushed live to subscribed admin sessions, kept in a
-- history to catch up from after a disconnect, and counted per day for the
-- growth picture.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local now_precise = util.lib "util.time".now;

local host = module.host;
local iso = util.iso;

local NS_EVENTS = "urn:x-invite-desk:events:0";
local PAGE, MAX_PAGE = 100, 1000;

local history_days = module:get_option_number("invite_desk_history_days", 90);
-- How long a whole copy of the history, read for a catch-up, stays in memory after it was last used.
local keep_in_memory = module:get_option_number("invite_desk_keep_in_memory", 60);

return function (permissions, events, policy, ledger)
	local history = module:open_store("invite_desk_events", "archive");
	-- Prosody's internal storage refuses appends past its per-store quota.
	local history_size = math.min(module:get_option_number("invite_desk_history_size", 10000),
		history.caps and history.caps.quota or math.huge);


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

	local keep_window = util.released_when_idle(keep_in_memory, function () window = nil; end);

	local function load_window()
		for _ = 1, 3 do
			local changes, started = history_changes, now_precise();
			local iter, err = history:find(nil, {});
			if not iter then return nil, err; end
			local stored, position = {}, {};
			for key, item in iter do
				item.attr.id = key;
				stored[#stored + 1] = item;
				position[key] = #stored;
			end
			if changes == history_changes then
				-- The cost of one full find, read to its end: what each page cost before, and a benchmark's baseline.
				module:log("info", "Read %d sign-up events for catching up in %.1f ms", #stored, (now_precise() - started) * 1000);
				window, history_count = { events = stored, position = position }, #stored;
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
		local invite = util.validated_invite(event);
		local row = invite and ledger.describe(invite);
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
			role = row and row.role or nil;
		});
		if row and row.note then signup:text_tag("note", row.note); end
		-- What the member got, from onboarding.lib.lua, which ran just before.
		if event.invite_desk_onboarding then signup:add_child(event.invite_desk_onboarding); end
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
		events.notify(signup);
	end, -10);

	-- Answers `forbidden` to a session that may not follow sign-ups; true when it did.
	local function refused_follower(event)
		if event.origin.type == "c2s" and permissions.may_follow(event) then return false; end
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
		events.subscribe(origin.full_jid, complete);
		local now = policy.stored();
		local reply = st.reply(stanza)
			:tag("events", { xmlns = NS_EVENTS; complete = tostring(complete); gap = gap and "true" or nil })
			:tag("policy", { xmlns = policy.xmlns; mode = now.mode; by = now.changed_by; time = util.iso(now.changed_at) }):up();
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
		events.unsubscribe(event.origin.full_jid);
		event.origin.send(st.reply(event.stanza));
		return true;
	end);

	module:add_feature(NS_EVENTS);

	return { xmlns = NS_EVENTS, prune = prune_history };
end
