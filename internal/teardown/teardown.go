// Package teardown is the teardown contract every deleting resource keeps, in one place:
//
//   - the platform object is deleted first (already gone is success), then each owned storage
//     scope (nothing left is success), then each owned local tree, with nothing but what the
//     resource's state holds;
//   - progress is recorded in private state, so a destroy that fails half way leaves a resource
//     that Read keeps (cleanup pending) and the next `terraform destroy` resumes;
//   - `terraform plan -destroy` warns how many objects and bytes each scope will lose;
//   - deletion_protection refuses the destroy before anything is touched;
//   - a create whose answer was lost adopts what it made, or names the candidates (Adopt).
//
// A deleting resource gives the skeleton one function, Of, that builds its Teardown from its
// state alone, and calls ModifyPlan from ModifyPlan, ReadNotFound from Read when the platform
// answers 404, and Delete from Delete. V7 items, Code Ocean data assets, DANDI derivative
// versions and the contract's own acceptance-test resource use it. YOUnite data records and
// Foundry files and file sets own no storage beside the platform object: they use Guard alone,
// and Foundry keeps its own progress (the transactions it could not close) in private state
// through LoadKey and SaveKey.
package teardown

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// PreviewLimit caps how many objects a destroy preview counts per scope.
const PreviewLimit = 10000

// privateKey holds the progress in the resource's private state.
const privateKey = "teardown_progress"

// Progress is what a destroy has done so far.
type Progress struct {
	// PlatformDeleted says the platform part (Teardown.DeletePlatform) is done.
	PlatformDeleted bool `json:"platform_deleted"`
	// ScopesDone are the S3 scopes (by Scope.Key) already emptied.
	ScopesDone []string `json:"scopes_done,omitempty"`
	// LocalDone are the local trees (as LocalTree.Path) already removed.
	LocalDone []string `json:"local_done,omitempty"`
	// Removed adds up what the storage cleanup removed over every attempt.
	Removed storage.Result `json:"removed"`
}

// Private is the part of a resource's private state the progress lives in
// (*privatestate.ProviderData in requests and responses).
type Private interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// Load reads the progress from private state; a resource that never started a destroy has none.
func Load(ctx context.Context, p Private) (Progress, diag.Diagnostics) {
	var prog Progress
	diags := LoadKey(ctx, p, privateKey, &prog)
	return prog, diags
}

// Save writes the progress into private state.
func Save(ctx context.Context, p Private, prog Progress) diag.Diagnostics {
	return SaveKey(ctx, p, privateKey, prog)
}

// LoadKey reads the JSON value at key of a resource's private state into v; a key never set
// leaves v as it is. A value that cannot be read is an error: what the provider recorded there
// is work a later run must finish.
func LoadKey(ctx context.Context, p Private, key string, v any) diag.Diagnostics {
	if p == nil {
		return nil
	}
	raw, diags := p.GetKey(ctx, key)
	if diags.HasError() || len(raw) == 0 {
		return diags
	}
	if err := json.Unmarshal(raw, v); err != nil {
		diags.AddError("Unreadable private state", fmt.Sprintf("The provider's private state %q for this resource could not be read: %s. This is a bug in the provider.", key, err))
	}
	return diags
}

// SaveKey writes v as JSON at key of a resource's private state.
func SaveKey(ctx context.Context, p Private, key string, v any) diag.Diagnostics {
	raw, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record progress in private state", err.Error())
		return diags
	}
	return p.SetKey(ctx, key, raw)
}

// Teardown is one resource's destroy, built from its state alone.
type Teardown struct {
	// Object names the resource in messages, such as `V7 item "scan-1" (3f2c…)`.
	Object string
	// DeletePlatform deletes the platform object; an object already gone must be success.
	DeletePlatform func(ctx context.Context) error
	// PlatformPreview, when set, says what DeletePlatform removes, for the destroy preview
	// (such as "4 assets from dandiset 000123 (draft)").
	PlatformPreview string
	// Note, when set, ends the destroy preview: what the destroy leaves alone, say.
	Note string
	// Scopes are the storage the object owns, emptied after the platform delete.
	Scopes []storage.Scope
	// Local is owned storage outside S3 (a local tree), removed after the scopes.
	Local []LocalTree
	// PlatformDeleted is the state's platform_deleted: the platform object is known to be gone
	// (a refresh found it so), even when no destroy could record its progress.
	PlatformDeleted bool
	// Protected is the resource's deletion_protection.
	Protected bool
	// Timeout bounds Delete (the resource's delete timeout); zero leaves it to Terraform.
	Timeout time.Duration
	// Storage tunes the engine, e.g. BypassGovernanceRetention when the user opted in.
	Storage storage.Options
	// InUse, when set, names who else still uses each of a scope's owned prefixes (folders the
	// platform keys by name, which other objects may share), asked once per scope for all its
	// prefixes, so that a set of many objects costs a few batched questions, not one each. A
	// prefix in use is kept whole, never narrowed, and the destroy says who keeps it; the last
	// user's destroy removes it. It must leave the resource's own platform objects out: it also
	// runs for the preview, while they are live.
	InUse func(ctx context.Context, prefixes []string) (users map[string][]string, err error)
}

// LocalTree is a directory the resource owns outside S3.
type LocalTree struct {
	// Path names it in messages and in Progress.LocalDone.
	Path string
	// Left describes what is left of it ("3 files (12 B)"), or "" when nothing is.
	Left func() (string, error)
	// Remove removes it; a tree already gone must be success.
	Remove func() error
}

// scopeSplit is one owned scope still to do: the prefixes other users keep (with their users)
// and the rest, which may go (no prefixes when everything is kept); or why it cannot be told.
type scopeSplit struct {
	scope storage.Scope
	kept  map[string][]string
	rest  storage.Scope
	err   error
}

// pending yields each scope prog has not finished, split by InUse: the one loop the preview,
// the destroy and Gone share.
func (t Teardown) pending(ctx context.Context, prog Progress) iter.Seq[scopeSplit] {
	return func(yield func(scopeSplit) bool) {
		for _, scope := range t.Scopes {
			if slices.Contains(prog.ScopesDone, scope.Key()) || len(prog.ScopesDone) > 0 && slices.Contains(prog.ScopesDone, legacyScopeString(scope)) {
				continue
			}
			s := scopeSplit{scope: scope, rest: scope}
			if t.InUse != nil {
				users, err := t.InUse(ctx, scope.Prefixes)
				if err != nil {
					s.err = fmt.Errorf("checking whether %s is still in use: %w", scope, err)
				}
				s.rest = storage.Scope{Bucket: scope.Bucket}
				for _, p := range scope.Prefixes {
					if len(users[p]) == 0 {
						s.rest.Prefixes = append(s.rest.Prefixes, p)
						continue
					}
					if s.kept == nil {
						s.kept = map[string][]string{}
					}
					s.kept[p] = users[p]
				}
			}
			if !yield(s) {
				return
			}
		}
	}
}

// pendingLocal yields each local tree prog has not removed.
func (t Teardown) pendingLocal(prog Progress) iter.Seq[LocalTree] {
	return func(yield func(LocalTree) bool) {
		for _, l := range t.Local {
			if !slices.Contains(prog.LocalDone, l.Path) && !yield(l) {
				return
			}
		}
	}
}

// keptLines describes the prefixes a scope keeps for other users, sorted, each naming at most
// three users.
func (s scopeSplit) keptLines() []string {
	lines := make([]string, 0, len(s.kept))
	for p, users := range s.kept {
		lines = append(lines, fmt.Sprintf("s3://%s/%s, still used by %s", s.scope.Bucket, p, Sample(users, 3)))
	}
	slices.Sort(lines)
	return lines
}

// keptWarning is the diagnostic for prefixes a destroy keeps (or will keep) for other users:
// the first ShownLines of them, and how many more.
func keptWarning(object, verb string, lines []string) diag.Diagnostic {
	return diag.NewWarningDiagnostic(fmt.Sprintf("%s %s storage other objects still use (%d folders)", capitalise(object), verb, len(lines)),
		fmt.Sprintf("These owned folders are shared with objects that are still live, so they stay whole:\n  %s\n"+
			"Destroying the last object that uses a folder removes it.", strings.Join(SampleLines(lines, ShownLines), "\n  ")))
}

// ShownLines is how many lines of a list a message shows: what a person reads grows with the
// change, not with the resource.
const ShownLines = 10

// SampleLines is the first n lines and, when there are more, a line that counts them.
func SampleLines(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	return append(slices.Clip(lines[:n]), fmt.Sprintf("… and %d more", len(lines)-n))
}

// Sample joins the first n items and counts the rest.
func Sample(items []string, n int) string {
	return strings.Join(SampleLines(items, n), ", ")
}

// Guard refuses a destroy of a protected resource before anything changes.
func Guard(object string, protected bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if protected {
		diags.AddError(fmt.Sprintf("%s is protected from deletion", capitalise(object)),
			"deletion_protection is true, so neither the platform object nor its storage is touched. "+
				"To destroy it, set deletion_protection = false, apply, and destroy again.")
	}
	return diags
}

func describe(p storage.Preview) string {
	plus := ""
	if p.Capped {
		plus = "+"
	}
	s := fmt.Sprintf("%d%s objects (%s)", p.Objects, plus, BytesText(p.Bytes))
	if p.Versions > 0 || p.DeleteMarkers > 0 {
		s += fmt.Sprintf(", %d older versions and %d delete markers", p.Versions, p.DeleteMarkers)
	}
	if p.Uploads > 0 {
		s += fmt.Sprintf(", %d incomplete multipart uploads", p.Uploads)
	}
	return s
}

// BytesText is a size for people: 512 B, 3.2 MiB.
func BytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func add(a, b storage.Result) storage.Result {
	return storage.Result{
		Objects: a.Objects + b.Objects, Versions: a.Versions + b.Versions,
		DeleteMarkers: a.DeleteMarkers + b.DeleteMarkers, Uploads: a.Uploads + b.Uploads, Bytes: a.Bytes + b.Bytes,
	}
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// legacyScopeString is how progress recorded a scope before Scope.Key: every prefix, joined.
func legacyScopeString(s storage.Scope) string {
	parts := make([]string, len(s.Prefixes))
	for i, p := range s.Prefixes {
		parts[i] = fmt.Sprintf("s3://%s/%s", s.Bucket, p)
	}
	return strings.Join(parts, ", ")
}
