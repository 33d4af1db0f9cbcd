package v7fake

import "sort"

// place is where V7 allows one item: a name in a folder of a dataset.
type place struct {
	datasetID  int
	path, name string
}

// folder is a folder of a dataset.
type folder struct {
	datasetID int
	path      string
}

// index keeps the fake's items findable at dataset scale: by place (registration's
// ALREADY_EXISTS check), by folder in registration order (a listing by dataset and path
// costs its page, not the team's items), and by name (a question about many names costs
// their items). Every change to f.items goes through it.
type index struct {
	byPlace   map[place]*item
	byFolder  map[folder][]*item // sorted by seq
	byName    map[string]map[*item]bool
	byDataset map[int]int
}

func newIndex() index {
	return index{byPlace: map[place]*item{}, byFolder: map[folder][]*item{}, byName: map[string]map[*item]bool{}, byDataset: map[int]int{}}
}

func placeOf(it *item) place   { return place{it.DatasetID, it.Path, it.Name} }
func folderOf(it *item) folder { return folder{it.DatasetID, it.Path} }

// put adds an item (f.mu held).
func (f *Fake) put(it *item) {
	f.items[it.ID] = it
	f.idx.byPlace[placeOf(it)] = it
	f.idx.byDataset[it.DatasetID]++
	if f.idx.byName[it.Name] == nil {
		f.idx.byName[it.Name] = map[*item]bool{}
	}
	f.idx.byName[it.Name][it] = true
	f.insertInFolder(it)
}

// remove deletes an item (f.mu held).
func (f *Fake) remove(it *item) {
	delete(f.items, it.ID)
	if f.idx.byPlace[placeOf(it)] == it {
		delete(f.idx.byPlace, placeOf(it))
	}
	f.idx.byDataset[it.DatasetID]--
	delete(f.idx.byName[it.Name], it)
	if len(f.idx.byName[it.Name]) == 0 {
		delete(f.idx.byName, it.Name)
	}
	f.removeFromFolder(it)
}

// move changes an item's folder (f.mu held).
func (f *Fake) move(it *item, path string) {
	f.removeFromFolder(it)
	if f.idx.byPlace[placeOf(it)] == it {
		delete(f.idx.byPlace, placeOf(it))
	}
	it.Path = path
	f.idx.byPlace[placeOf(it)] = it
	f.insertInFolder(it)
}

func (f *Fake) insertInFolder(it *item) {
	k := folderOf(it)
	list := f.idx.byFolder[k]
	i := sort.Search(len(list), func(i int) bool { return list[i].seq >= it.seq })
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = it
	f.idx.byFolder[k] = list
}

func (f *Fake) removeFromFolder(it *item) {
	k := folderOf(it)
	list := f.idx.byFolder[k]
	i := sort.Search(len(list), func(i int) bool { return list[i].seq >= it.seq })
	if i < len(list) && list[i] == it {
		list = append(list[:i], list[i+1:]...)
	}
	if len(list) == 0 {
		delete(f.idx.byFolder, k)
		return
	}
	f.idx.byFolder[k] = list
}

// at is the item at a place, or nil.
func (f *Fake) at(datasetID int, path, name string) *item {
	return f.idx.byPlace[place{datasetID, path, name}]
}
