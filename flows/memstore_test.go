package flows_test

import (
	"context"
	"slices"
	"sync"

	"github.com/interlude-bot/interlude/flows"
)

// memStore is an in-memory flows.Store with the same contract as the Redis one (revision check,
// seen updates, erase), for the engine's fast property and golden tests. Behaviour against Redis
// itself is tested in engine_test.go and in the store package.
type memStore struct {
	mu      sync.Mutex
	rev     map[flows.UserKey]int64
	state   map[flows.UserKey][]byte
	entries map[flows.UserKey][][]byte
	seen    map[flows.UserKey]map[string]bool
}

func newMemStore() *memStore {
	return &memStore{
		rev:     map[flows.UserKey]int64{},
		state:   map[flows.UserKey][]byte{},
		entries: map[flows.UserKey][][]byte{},
		seen:    map[flows.UserKey]map[string]bool{},
	}
}

func (m *memStore) Load(_ context.Context, u flows.UserKey, updateID string) (flows.Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return flows.Snapshot{Rev: m.rev[u], State: slices.Clone(m.state[u]), Seen: updateID != "" && m.seen[u][updateID]}, nil
}

func (m *memStore) Save(_ context.Context, u flows.UserKey, c flows.Change) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c.UpdateID != "" && m.seen[u][c.UpdateID] {
		return flows.ErrDuplicate
	}
	if c.Rev != m.rev[u] {
		return flows.ErrConflict
	}
	if c.Erase {
		delete(m.rev, u)
		delete(m.state, u)
		delete(m.entries, u)
		delete(m.seen, u)
		if c.UpdateID != "" {
			m.seen[u] = map[string]bool{c.UpdateID: true}
		}
		return nil
	}
	m.rev[u]++
	m.state[u] = slices.Clone(c.State)
	m.entries[u] = append(m.entries[u], c.Entries...)
	if c.UpdateID != "" {
		if m.seen[u] == nil {
			m.seen[u] = map[string]bool{}
		}
		m.seen[u][c.UpdateID] = true
	}
	return nil
}

func (m *memStore) Entries(_ context.Context, u flows.UserKey) ([][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.entries[u]), nil
}
