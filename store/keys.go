package store

import (
	"net/url"
	"strings"

	"github.com/interlude-bot/interlude/flows"
)

// Every Redis key Interlude uses is built here. A client's keys share one hash tag,
// "{platform:id}", so that multi-key scripts work on Redis Cluster.
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

// entriesKey holds the client's history: a sorted set of sealed entries scored by time (ms).
func entriesKey(u flows.UserKey) string { return prefix + tag(u) + ":entries" }

// seenKey holds the ids of updates already applied: a sorted set scored by time (ms).
func seenKey(u flows.UserKey) string { return prefix + tag(u) + ":seen" }

// userKeys lists every key of a client, for erasure.
func userKeys(u flows.UserKey) []string {
	return []string{stateKey(u), entriesKey(u), seenKey(u)}
}
