package storage

import (
	"errors"
	"strings"
	"testing"
)

// The ledger's counts stay exact when a server lists an entry again after its delete: it is
// deleted again, up to maxDeletes times, and counted once; an entry left for retry that the
// next complete pass no longer lists counts once; one deleted too often is a named failure.
func TestLedgerCountsOnceAndStopsRedeleting(t *testing.T) {
	u := unit{prefix: "p/"}
	again := entry{key: "p/again", latest: true, size: 3}
	retried := entry{key: "p/retried", latest: true, size: 5}
	neighbour := entry{key: "q/other", latest: true}
	l := newLedger("b")
	pg := page{entries: []entry{again, retried, neighbour, again}}

	l.startPass()
	batch, progressed, _ := l.pick(pg, u)
	if len(batch) != 2 || !progressed {
		t.Fatalf("first pass picked %v, want the two owned entries once", batch)
	}
	l.done(again)
	l.retryLater(retried, errors.New("SlowDown"))

	// The server lists both again: both are deleted again, and neither is counted twice.
	for pass := 2; pass <= maxDeletes; pass++ {
		l.startSweep() // each pass here lists the unit to its end: a sweep of its own
		l.startPass()
		if batch, _, _ = l.pick(page{entries: []entry{again}}, u); len(batch) != 1 {
			t.Fatalf("pass %d picked %v, want %s deleted again", pass, batch, again.key)
		}
		l.done(again)
	}
	l.settle(false) // retried is no longer listed: gone
	l.startPass()
	if batch, _, _ = l.pick(page{entries: []entry{again}}, u); len(batch) != 0 {
		t.Fatalf("deleted %d times and still listed, but picked again: %v", maxDeletes, batch)
	}
	res, err := l.close()
	if res.Objects != 2 || res.Bytes != 8 {
		t.Errorf("counted %+v, want 2 objects of 8 bytes", res)
	}
	if err == nil || !strings.Contains(err.Error(), "s3://b/p/again: still listed after it was deleted 3 times") {
		t.Errorf("error %v, want the key deleted too often named", err)
	}
}

func TestTagsTellEntriesApart(t *testing.T) {
	tags := newTagger()
	seen := map[tag]entry{}
	for _, e := range []entry{{key: "a"}, {key: "a", versionID: "1"}, {key: "a\x001"}, {key: "a\x00", versionID: "1"}, {key: "a1"}, {key: ""}, {key: "b"}} {
		if prev, dup := seen[tags.of(e)]; dup {
			t.Fatalf("%q and %q share a tag", prev.id(), e.id())
		}
		seen[tags.of(e)] = e
	}
	if tags.of(entry{key: "a", versionID: "1"}) != tags.of(entry{key: "a", versionID: "1", size: 9}) {
		t.Error("the same key and version got two tags")
	}
}
