package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
)

// A tag names an entry (its key and version id) in 16 bytes: two 64-bit hashes under seeds
// drawn afresh for each teardown. The ledger remembers entries by tag, so what a pass holds is
// the same whatever the keys' length. Two entries share a tag with a chance of about 2⁻¹²⁸ a
// pair, and no one can aim at it: the seeds are unknown outside the process. Ownership is
// always decided on the key itself, so even then no neighbour is touched: the pass would skip
// the second entry as already seen, and a later pass deletes it.
type tag [2]uint64

type tagger struct{ a, b maphash.Seed }

func newTagger() tagger { return tagger{a: maphash.MakeSeed(), b: maphash.MakeSeed()} }

func (t tagger) of(e entry) tag {
	var h maphash.Hash
	sum := func(seed maphash.Seed) uint64 {
		h.SetSeed(seed)
		var n [8]byte // the key's length first, so that no key and version run into another pair
		binary.LittleEndian.PutUint64(n[:], uint64(len(e.key)))
		_, _ = h.Write(n[:])
		_, _ = h.WriteString(e.key)
		_, _ = h.WriteString(e.versionID)
		return h.Sum64()
	}
	return tag{sum(t.a), sum(t.b)}
}

// record is what a pass knows of an entry it listed: how often it has been submitted for
// deletion (0: seen, not submitted) and whether it has been counted as removed.
type record uint8

const counted record = 1 << 7

func (r record) deletes() int { return int(r &^ counted) }

// again is the record of an entry submitted once more: the counted mark carries over, so that
// an entry a server lists again after its delete, and that is deleted again, counts once.
// (pick never submits an entry more than maxDeletes times, far below the mark.)
func (r record) again() record { return r&counted | (r&^counted + 1) }

// ledger keeps what a teardown knows: the entries of this pass and of the one before, the
// counts, the per-key failures and the entries waiting for another try. The lister and the
// deleters share it.
type ledger struct {
	bucket string
	tags   tagger

	mu        sync.Mutex
	cur, prev map[tag]record // this pass's entries and the previous pass's
	result    Result
	failures  map[tag]error // why, for each entry that failed
	order     []tag         // the failures in the order they happened
	// transient holds entries whose delete answered an error worth another try (InternalError,
	// SlowDown, a stale version id): the next listing settles them. Listed again, they are
	// deleted again; no longer listed by a complete pass, they are gone and count as removed.
	transient map[tag]transientEntry
	// listed holds the entries of transient that the current sweep listed again.
	listed map[tag]struct{}
}

type transientEntry struct {
	entry entry
	cause error
}

func newLedger(bucket string) *ledger {
	return &ledger{
		bucket: bucket, tags: newTagger(),
		cur: map[tag]record{}, prev: map[tag]record{},
		failures: map[tag]error{}, transient: map[tag]transientEntry{}, listed: map[tag]struct{}{},
	}
}

// startUnit forgets the passes of the unit before: units do not share entries.
func (l *ledger) startUnit() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cur, l.prev = map[tag]record{}, map[tag]record{}
}

// startSweep begins a listing of the unit from its start: what it lists of the entries left
// for retry is recorded, for settle.
func (l *ledger) startSweep() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.listed = map[tag]struct{}{}
}

// startPass begins a pass: what the pass before listed becomes the previous pass's, and what
// came before that is forgotten (failed entries stay known from failures).
func (l *ledger) startPass() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prev, l.cur = l.cur, make(map[tag]record, len(l.cur))
}

// pick chooses the entries of a page to delete now: owned, not seen earlier in this pass, not
// failed, and not deleted too often already (reported as failed instead).
func (l *ledger) pick(pg page, u unit) (batch []entry, progressed, past bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, en := range pg.entries {
		owned, beyond := u.owns(en.key)
		past = past || beyond
		if !owned {
			continue
		}
		t := l.tags.of(en)
		if _, dup := l.cur[t]; dup {
			continue
		}
		if _, retry := l.transient[t]; retry {
			l.listed[t] = struct{}{}
		}
		progressed = true
		prev := l.prev[t]
		switch {
		case l.failures[t] != nil:
			l.cur[t] = 0
		case prev.deletes() >= maxDeletes:
			cause := fmt.Errorf("still listed after it was deleted %d times", maxDeletes)
			if last := l.transient[t].cause; last != nil {
				cause = fmt.Errorf("%w; the last attempt answered %w", cause, last)
			}
			l.failLocked(t, en, cause)
			l.cur[t] = 0
		default:
			l.cur[t] = prev.again()
			batch = append(batch, en)
		}
	}
	return batch, progressed, past
}

// done counts an entry deleted (or found gone).
func (l *ledger) done(e entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.tags.of(e)
	delete(l.transient, t)
	if r := l.cur[t]; r&counted == 0 {
		l.cur[t] = r | counted
		l.result.add(e)
	}
}

// uploadDone counts an incomplete upload aborted (or found gone).
func (l *ledger) uploadDone() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.result.Uploads++
}

func (l *ledger) fail(e entry, cause error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failLocked(l.tags.of(e), e, cause)
}

func (l *ledger) failLocked(t tag, e entry, cause error) {
	if _, ok := l.failures[t]; ok {
		return
	}
	where := fmt.Sprintf("s3://%s/%s", l.bucket, e.key)
	switch {
	case strings.HasPrefix(e.versionID, "upload "):
		where += " (" + e.versionID + ")"
	case e.versionID != "":
		where += " (version " + e.versionID + ")"
	}
	l.failures[t] = fmt.Errorf("%s: %w", where, cause)
	l.order = append(l.order, t)
}

func (l *ledger) retryLater(e entry, cause error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.tags.of(e)
	l.transient[t] = transientEntry{entry: e, cause: cause}
	l.listed[t] = struct{}{} // listed by this sweep: only a later sweep that does not list it settles it
}

// settle counts as removed the entries left for retry that this sweep, listed to its end, did
// not show (nothingLeft: the unit is empty), and forgets them.
func (l *ledger) settle(nothingLeft bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for t, te := range l.transient {
		if _, still := l.listed[t]; still && !nothingLeft {
			continue
		}
		if (l.prev[t]|l.cur[t])&counted == 0 { // not counted when an earlier delete took
			l.result.add(te.entry)
		}
		delete(l.transient, t)
	}
}

// close returns the counts and the joined per-key errors, the first maxNamedErrors by name.
func (l *ledger) close() (Result, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.order) == 0 {
		return l.result, nil
	}
	errs := make([]error, 0, maxNamedErrors+2)
	errs = append(errs, fmt.Errorf("%d keys could not be deleted", len(l.order)))
	for i, t := range l.order {
		if i == maxNamedErrors {
			errs = append(errs, fmt.Errorf("… and %d more keys failed", len(l.order)-maxNamedErrors))
			break
		}
		errs = append(errs, l.failures[t])
	}
	return l.result, errors.Join(errs...)
}
