// Package teardown is the teardown contract every deleting resource keeps, in one place:
//
//   - the platform object is deleted first (already gone is success), then each owned storage
//     scope (nothing left is success), with nothing but what the resource's state holds;
//   - progress is recorded in private state, so a destroy that fails half way leaves a resource
//     that Read keeps (cleanup pending) and the next `terraform destroy` resumes;
//   - `terraform plan -destroy` warns how many objects and bytes each scope will lose;
//   - deletion_protection refuses the destroy before anything is touched.
//
// A resource calls PlanDestroy from ModifyPlan when its plan is a destroy, Destroy from Delete
// (and on failure keeps the returned progress in its platform_deleted attribute), and Gone from
// Read when the platform object is gone, to decide whether the resource leaves state (nothing
// it owns is left) or stays with platform_deleted = true for the next destroy to finish.
package teardown

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// PreviewLimit caps how many objects a destroy preview counts per scope.
const PreviewLimit = 10000

// privateKey holds the progress in the resource's private state.
const privateKey = "teardown_progress"

// Progress is what a destroy has done so far.
type Progress struct {
	PlatformDeleted bool `json:"platform_deleted"`
	// ScopesDone are the scopes (as Scope.String) already emptied.
	ScopesDone []string `json:"scopes_done,omitempty"`
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
	if p == nil {
		return prog, nil
	}
	raw, diags := p.GetKey(ctx, privateKey)
	if diags.HasError() || len(raw) == 0 {
		return prog, diags
	}
	if err := json.Unmarshal(raw, &prog); err != nil {
		diags.AddError("Unreadable teardown progress", "The provider's private state for this resource could not be read: "+err.Error()+". This is a bug in the provider.")
	}
	return prog, diags
}

// Save writes the progress into private state.
func Save(ctx context.Context, p Private, prog Progress) diag.Diagnostics {
	raw, err := json.Marshal(prog)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record teardown progress", err.Error())
		return diags
	}
	return p.SetKey(ctx, privateKey, raw)
}

// GoneLimit is how many objects Gone counts per scope: one listing page is enough to know
// that something is left.
const GoneLimit = 1000

// Gone is Read's part of the contract once the platform object is gone, whoever deleted it: a
// destroy that was killed or failed half way (its progress may never have been recorded), or
// someone in the platform's own UI. Forgetting the resource then would orphan what it owns, so
// Gone counts what is left in each owned scope (one page each, leaving out prefixes another
// object still uses) and in its Local storage. keep says the resource must stay in state with
// platform_deleted = true, for the next terraform destroy to finish; the warning names each
// place and its count. A count that cannot be made keeps the resource too: forgetting is the
// one outcome that cannot be undone.
func Gone(ctx context.Context, data *providerdata.Data, t Teardown, private Private) (keep bool, diags diag.Diagnostics) {
	prog, diags := Load(ctx, private)
	if diags.HasError() {
		return true, diags
	}
	var lines []string
	var failures []error
	scopes := slices.DeleteFunc(slices.Clone(t.Scopes), func(s storage.Scope) bool { return slices.Contains(prog.ScopesDone, s.String()) })
	if len(scopes) > 0 {
		engine, d := data.Engine(ctx, t.Storage)
		if engine == nil {
			failures = append(failures, errors.New(diagText(d)))
			scopes = nil
		}
		for _, scope := range scopes {
			_, rest, err := t.inUse(ctx, scope)
			if err == nil && len(rest.Prefixes) > 0 {
				var p storage.Preview
				if p, err = engine.Count(ctx, rest, GoneLimit); err == nil && (p.Objects > 0 || p.Versions > 0 || p.DeleteMarkers > 0) {
					lines = append(lines, fmt.Sprintf("%s: %s", rest, describe(p)))
				}
			}
			if err != nil {
				failures = append(failures, fmt.Errorf("%s: %w", scope, err))
			}
		}
	}
	if t.Local != nil {
		left, err := t.Local(ctx)
		if err != nil {
			failures = append(failures, err)
		}
		lines = append(lines, left...)
	}
	switch {
	case len(failures) > 0:
		diags.Append(diagnostics.Warning(fmt.Sprintf("%s is deleted; whether its storage is left is unknown", capitalise(t.Object)),
			errors.Join(failures...), "The resource stays in state with platform_deleted = true, so that terraform destroy "+
				"finishes the cleanup; fix the cause to let a refresh tell, or forget it and what it owns with terraform state rm."))
		return true, diags
	case len(lines) > 0:
		why := "The platform object is gone: deleted outside Terraform, or by a destroy interrupted before it recorded its progress."
		if prog.PlatformDeleted {
			why = "A destroy deleted the platform object and did not finish its storage cleanup."
		}
		diags.AddWarning(fmt.Sprintf("%s is deleted, but storage it owns is left", capitalise(t.Object)),
			fmt.Sprintf("%s Still left:\n  %s\n"+
				"The resource stays in state with platform_deleted = true: terraform destroy removes what is left; "+
				"terraform apply removes it and creates a new object.", why, strings.Join(lines, "\n  ")))
		tflog.Info(ctx, "platform object gone, owned storage left", map[string]any{"object": t.Object, "left": lines})
		return true, diags
	}
	tflog.Info(ctx, "platform object gone and nothing it owns is left; removing it from state", map[string]any{"object": t.Object})
	return false, diags
}

func diagText(diags diag.Diagnostics) string {
	for _, d := range diags.Errors() {
		return d.Summary() + ": " + d.Detail()
	}
	return "no S3 access"
}

// Pending says whether a resource whose platform object is gone must stay in state because its
// storage cleanup is not finished.
func Pending(prog Progress) bool { return prog.PlatformDeleted }

// Teardown is one resource's destroy, built from its state alone.
type Teardown struct {
	// Object names the resource in messages, such as `V7 item "scan-1" (3f2c…)`.
	Object string
	// DeletePlatform deletes the platform object; an object already gone must be success.
	DeletePlatform func(ctx context.Context) error
	// Scopes are the storage the object owns, emptied after the platform delete.
	Scopes []storage.Scope
	// PlatformDeleted is the state's platform_deleted: the platform object is known to be gone
	// (a refresh found it so), even when no destroy could record its progress.
	PlatformDeleted bool
	// Protected is the resource's deletion_protection.
	Protected bool
	// Storage tunes the engine, e.g. BypassGovernanceRetention when the user opted in.
	Storage storage.Options
	// InUse, when set, names who else still uses an owned prefix (a folder the platform keys
	// by name, which other objects may share). A prefix in use is kept whole, never narrowed,
	// and the destroy says who keeps it; the last user's destroy removes it. It must leave the
	// resource's own platform object out: it also runs for the preview, while that is live.
	InUse func(ctx context.Context, prefix string) (users []string, err error)
	// Local, when set, describes owned storage outside S3 (a local tree) that is still there,
	// one line per place; none when it is all gone. Gone keeps the resource while it has any.
	Local func(ctx context.Context) (left []string, err error)
}

// inUse splits a scope into the prefixes other users keep (with their users) and the scope
// that may go; rest has no prefixes when everything is kept.
func (t Teardown) inUse(ctx context.Context, scope storage.Scope) (kept map[string][]string, rest storage.Scope, err error) {
	if t.InUse == nil {
		return nil, scope, nil
	}
	rest = storage.Scope{Bucket: scope.Bucket}
	for _, p := range scope.Prefixes {
		users, err := t.InUse(ctx, p)
		if err != nil {
			return nil, scope, fmt.Errorf("checking whether s3://%s/%s is still in use: %w", scope.Bucket, p, err)
		}
		if len(users) > 0 {
			if kept == nil {
				kept = map[string][]string{}
			}
			kept[p] = users
			continue
		}
		rest.Prefixes = append(rest.Prefixes, p)
	}
	return kept, rest, nil
}

// keptLines describes the kept prefixes, sorted.
func keptLines(bucket string, kept map[string][]string) []string {
	lines := make([]string, 0, len(kept))
	for p, users := range kept {
		lines = append(lines, fmt.Sprintf("s3://%s/%s, still used by %s", bucket, p, strings.Join(users, ", ")))
	}
	slices.Sort(lines)
	return lines
}

// keptWarning is the diagnostic for prefixes a destroy keeps (or will keep) for other users.
func keptWarning(object, verb string, lines []string) diag.Diagnostic {
	return diag.NewWarningDiagnostic(fmt.Sprintf("%s %s storage other objects still use", capitalise(object), verb),
		fmt.Sprintf("These owned folders are shared with objects that are still live, so they stay whole:\n  %s\n"+
			"Destroying the last object that uses a folder removes it.", strings.Join(lines, "\n  ")))
}

// PlanDestroy is a destroy plan's part of the contract, for ModifyPlan: refuse a protected
// resource, and preview what the storage cleanup will remove.
func PlanDestroy(ctx context.Context, data *providerdata.Data, t Teardown, private Private) diag.Diagnostics {
	diags := Guard(t.Object, t.Protected)
	if diags.HasError() {
		return diags
	}
	engine, d := data.Engine(ctx, t.Storage)
	diags.Append(d...)
	if engine == nil {
		return diags
	}
	prog, d := Load(ctx, private)
	diags.Append(d...)
	return append(diags, Preview(ctx, engine, t, prog)...)
}

// Destroy is Delete's part of the contract: guard, resume from the recorded progress, run, and
// on failure record the new progress in out (the response's private state). The caller sets its
// platform_deleted attribute from the returned progress when the diagnostics hold an error.
func Destroy(ctx context.Context, data *providerdata.Data, t Teardown, in, out Private) (Progress, diag.Diagnostics) {
	diags := Guard(t.Object, t.Protected)
	if diags.HasError() {
		return Progress{}, diags
	}
	engine, d := data.Engine(ctx, t.Storage)
	diags.Append(d...)
	if engine == nil {
		return Progress{}, diags
	}
	prog, d := Load(ctx, in)
	diags.Append(d...)
	if diags.HasError() {
		return prog, diags
	}
	prog, d = Run(ctx, engine, t, prog)
	diags.Append(d...)
	if diags.HasError() {
		diags.Append(Save(ctx, out, prog)...)
	}
	return prog, diags
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

// Preview warns what a destroy will remove from storage, for `terraform plan -destroy`. A
// count that fails is a warning too: previews never block a plan.
func Preview(ctx context.Context, engine *storage.Engine, t Teardown, prog Progress) diag.Diagnostics {
	var diags diag.Diagnostics
	var lines, keptAll []string
	for _, scope := range t.Scopes {
		if slices.Contains(prog.ScopesDone, scope.String()) {
			continue
		}
		kept, rest, err := t.inUse(ctx, scope)
		if err != nil {
			diags.Append(diagnostics.Warning(fmt.Sprintf("Cannot preview the storage cleanup of %s", t.Object), err,
				"The destroy checks again and keeps every folder another object still uses."))
			continue
		}
		keptAll = append(keptAll, keptLines(scope.Bucket, kept)...)
		if len(rest.Prefixes) == 0 {
			continue
		}
		p, err := engine.Count(ctx, rest, PreviewLimit)
		if err != nil {
			diags.Append(diagnostics.Warning(fmt.Sprintf("Cannot preview the storage cleanup of %s", t.Object), err,
				"The destroy will still remove everything in the owned scope."))
			continue
		}
		lines = append(lines, fmt.Sprintf("%s: %s", rest, describe(p)))
	}
	if len(keptAll) > 0 {
		diags.Append(keptWarning(t.Object, "will keep", keptAll))
	}
	if len(lines) > 0 {
		action := "delete the platform object, then remove"
		if prog.PlatformDeleted || t.PlatformDeleted {
			action = "finish the storage cleanup (the platform object is already deleted) and remove"
		}
		diags.AddWarning(fmt.Sprintf("Destroying %s removes objects from storage", t.Object),
			fmt.Sprintf("The destroy will %s:\n  %s", action, strings.Join(lines, "\n  ")))
	}
	return diags
}

func describe(p storage.Preview) string {
	plus := ""
	if p.Capped {
		plus = "+"
	}
	s := fmt.Sprintf("%d%s objects (%s)", p.Objects, plus, bytesText(p.Bytes))
	if p.Versions > 0 || p.DeleteMarkers > 0 {
		s += fmt.Sprintf(", %d older versions and %d delete markers", p.Versions, p.DeleteMarkers)
	}
	return s
}

func bytesText(n int64) string {
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

// Run carries out the teardown from where prog left it and returns the new progress. On
// failure the diagnostics say what is done and what is left, and the caller must keep the
// resource in state with the returned progress.
func Run(ctx context.Context, engine *storage.Engine, t Teardown, prog Progress) (Progress, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !prog.PlatformDeleted {
		if err := t.DeletePlatform(ctx); err != nil {
			diags.Append(diagnostics.Error(fmt.Sprintf("Deleting %s failed", t.Object), err,
				"Nothing was removed from storage. Fix the cause and run terraform destroy again."))
			return prog, diags
		}
		prog.PlatformDeleted = true
		tflog.Info(ctx, "platform object deleted", map[string]any{"object": t.Object})
	}
	var keptAll []string
	for _, scope := range t.Scopes {
		if slices.Contains(prog.ScopesDone, scope.String()) {
			continue
		}
		kept, rest, err := t.inUse(ctx, scope)
		if err != nil {
			diags.Append(diagnostics.Error(fmt.Sprintf("Storage cleanup of %s is incomplete", t.Object), err,
				"The platform object is deleted; nothing of this scope was removed. The resource stays in state with "+
					"platform_deleted = true; fix the cause and run terraform destroy again to finish."))
			return prog, diags
		}
		keptAll = append(keptAll, keptLines(scope.Bucket, kept)...)
		if len(rest.Prefixes) == 0 {
			prog.ScopesDone = append(prog.ScopesDone, scope.String())
			continue
		}
		res, err := engine.Delete(ctx, rest)
		prog.Removed = add(prog.Removed, res)
		if err != nil {
			diags.Append(diagnostics.Error(fmt.Sprintf("Storage cleanup of %s is incomplete", t.Object), err,
				fmt.Sprintf("The platform object is deleted and %d objects were removed so far. The resource stays in "+
					"state with platform_deleted = true; fix the cause and run terraform destroy again to finish.", prog.Removed.Total())))
			return prog, diags
		}
		prog.ScopesDone = append(prog.ScopesDone, scope.String())
	}
	if len(keptAll) > 0 {
		diags.Append(keptWarning(t.Object, "kept", keptAll))
		tflog.Info(ctx, "shared storage kept", map[string]any{"object": t.Object, "kept": keptAll})
	}
	tflog.Info(ctx, "teardown finished", map[string]any{
		"object": t.Object, "objects": prog.Removed.Objects, "versions": prog.Removed.Versions,
		"delete_markers": prog.Removed.DeleteMarkers, "bytes": prog.Removed.Bytes,
	})
	return prog, diags
}

func add(a, b storage.Result) storage.Result {
	return storage.Result{
		Objects: a.Objects + b.Objects, Versions: a.Versions + b.Versions,
		DeleteMarkers: a.DeleteMarkers + b.DeleteMarkers, Bytes: a.Bytes + b.Bytes,
	}
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Found counts the current objects under each of a bucket's prefixes, up to limit each: what
// a platform wrote where the resource expects it, so that a scope that holds nothing is
// reported instead of assumed. A bucket that no longer exists counts as empty. The caller
// decides how much a failure matters (a refresh only warns).
func Found(ctx context.Context, data *providerdata.Data, bucket string, prefixes []string, limit int64) (map[string]int64, error) {
	engine, diags := data.Engine(ctx, storage.Options{})
	if engine == nil {
		return nil, errors.New(diagText(diags))
	}
	out := make(map[string]int64, len(prefixes))
	for _, p := range prefixes {
		scope, err := storage.NewScope(bucket, p)
		if err != nil {
			return nil, err
		}
		n, err := engine.Count(ctx, scope, limit)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, p, err)
		}
		out[p] = n.Objects
	}
	return out, nil
}

// ReadGone is Read's use of Gone once the platform object is gone: the resource leaves state
// when nothing it owns is left, and otherwise stays, marked platform_deleted = true.
func ReadGone(ctx context.Context, data *providerdata.Data, t Teardown, req resource.ReadRequest, resp *resource.ReadResponse) {
	keep, diags := Gone(ctx, data, t, req.Private)
	resp.Diagnostics.Append(diags...)
	if !keep {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("platform_deleted"), true)...)
}
