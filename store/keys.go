package store

import (
	"net/url"
	"strings"

	"github.com/interlude-bot/interlude/flows"
)

// Every Redis key Interlude uses is built here. A client's keys share one hash tag,
// "{platform:id}", so that multi-key scripts work on Redis Cluster.
//
// A client's layout, and what each costs (docs/BENCHMARKS.md has the figures):
//
//	:state    hash  rev, and the state record (sealed; compressed when that makes it smaller)
//	:entries  list  history, one record per calendar month (history.go), oldest first
//	:seen     zset  ids of applied updates and delivered reminder occurrences, 25 hours
//
// Adding a record kind (goals, session ratings, a safety plan):
//   - If it is small and changes with the conversation, make it a field of flows.State: it is
//     sealed, compressed and saved atomically with everything else, at no cost in keys or
//     round trips. This is the default.
//   - If it grows without bound like the history, give it a key function here, under tag(u),
//     add the key to userKeys, which are the KEYS of saveScript (its erase branch must delete
//     it too), seal it with s.seal and the client's key as associated data, and add it to the
//     export. Prefer one record per month (as history.go does) to one per item: each sealed
//     record pays 33 bytes of nonce, tag and key id, and each list or hash element its own
//     overhead.
//   - A key of its own costs about 50–90 bytes per client before any content: one per kind,
//     never one per item.
const prefix = "interlude:"

// tag is the hash tag of a client's keys. Ids are escaped so that a brace in an id can never
// break the tag.
func tag(u flows.UserKey) string {
	id := string(u.ID)
	if strings.ContainsAny(id, "{}:% \t\r\n") {
		id = url.PathEscape(strings.ReplaceAll(id, ":", "%3A"))
		id = strings.NewReplacer("{", "%7B", "}", "%7D").Replace(id)
	}
	return "{" + string(u.Platform) + ":" + id + "}"
}

// stateKey holds the client's state: a hash with the revision and the sealed state record.
func stateKey(u flows.UserKey) string { return prefix + tag(u) + ":state" }

// entriesKey holds the client's history: a list, oldest first, of "<ms>|<sealed entry>" (the
// time in the clear so that expired entries can be dropped without opening them; a list keeps
// the records compact, where a sorted set would add ~180 bytes to each).
func entriesKey(u flows.UserKey) string { return prefix + tag(u) + ":entries" }

// seenKey holds the ids of updates already applied: a sorted set scored by time (ms).
func seenKey(u flows.UserKey) string { return prefix + tag(u) + ":seen" }

// userKeys lists every key of a client, in the order saveScript takes them: the script writes
// them and, on erasure, deletes them all.
func userKeys(u flows.UserKey) []string {
	return []string{stateKey(u), entriesKey(u), seenKey(u)}
}

// The scheduler's keys share the hash tag {sched}, so the claim script can move members
// between them on Redis Cluster.

// dueKey is the due-queue: a sorted set of wake-ups "<reminder>|<platform>:<id>", scored by
// the time (ms) the dispatcher should look at that client.
func dueKey() string { return prefix + "{sched}:due" }

// leaseKey holds claimed wake-ups, scored by the time (ms) their lease ends.
func leaseKey() string { return prefix + "{sched}:lease" }

// wakeMember is a wake-up's member in the due-queue. The user key is kept as is (no escaping
// needed: the member is not a key name).
func wakeMember(u flows.UserKey, r flows.Reminder) string {
	return string(r) + "|" + string(u.Platform) + ":" + string(u.ID)
}

// rateKey holds a send limiter's theoretical arrival time (µs): the platform's, or with a chat,
// that chat's. Each is its own hash tag: on a Cluster the chats of a platform spread over the
// masters instead of crowding the platform's slot, and the two checks are two calls (rate.go).
func rateKey(platform flows.Platform, chat string) string {
	if chat == "" {
		return prefix + "{rate:" + string(platform) + "}"
	}
	return prefix + "{rate:" + string(platform) + ":" + url.PathEscape(chat) + "}"
}

// markKey marks that something was done once for a chat that is not a client (a group the bot
// was added to), e.g. that it was told the bot talks only in private chats.
func markKey(scope, id string) string {
	return prefix + "{" + scope + ":" + url.PathEscape(id) + "}:told"
}

// lockKey holds a named lease ("owner:token"); lockFenceKey counts its holders, so that each
// holder has a larger token than the one before.
func lockKey(name string) string      { return prefix + "{lease:" + name + "}" }
func lockFenceKey(name string) string { return prefix + "{lease:" + name + "}:fence" }
