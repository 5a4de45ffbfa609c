// Which files a drop or a file chooser brings in, as [{file, path}] in a stable order. Files
// dropped or chosen one by one are always tried, whatever their name (a bad one gets its reason).
// Inside a folder only image and DICOM names are taken and hidden entries are skipped, as
// `xray predict` does with a folder; DICOM is recognised by its contents, not here. path is the
// file's name, or its path inside the dropped folder, starting with the folder's name.

const FOLDER_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.pgm', '.ppm', '.dcm', '.dicom'];
export const FOLDER_RULE = FOLDER_EXTENSIONS.join(' ');

export function wantedInFolder(name) {
  if (name.startsWith('.')) return false;
  const dot = name.lastIndexOf('.');
  return dot > 0 && FOLDER_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}

// Code-unit order, as `xray predict` sorts a folder's paths (bytewise).
const byPath = (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

const readEntries = (reader) => new Promise((resolve, reject) => reader.readEntries(resolve, reject));
const entryFile = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));

// A folder's wanted files into out, subfolders included. A (sub)folder the browser cannot list to
// the end is added to unread ({name: its path, reason}) and the walk goes on with the rest.
async function walkFolder(folder, prefix, out, unread) {
  try {
    const reader = folder.createReader();
    for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader)) {  // 100 entries at a time
      for (const entry of batch) {
        if (entry.name.startsWith('.')) continue;
        if (entry.isDirectory) await walkFolder(entry, `${prefix}${entry.name}/`, out, unread);
        else if (wantedInFolder(entry.name)) out.push({ entry, path: prefix + entry.name });
      }
    }
  } catch (error) {
    unread.push({ name: prefix.slice(0, -1), reason: error.message || error.name || String(error) });
  }
}

// A drop: its items must be taken before the first await, as the browser empties the
// DataTransfer when the event handler returns. Returns {files, emptyFolders, unreadFolders}:
// unreadFolders [{name, reason}]: folders or subfolders (name: the path) that could not be listed
// to the end; what was listed, theirs and their siblings', is in files.
export async function filesFromDrop(dataTransfer) {
  const dropped = [];
  for (const item of dataTransfer.items ?? []) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.() ?? null;
    dropped.push(entry?.isDirectory ? { folder: entry } : { file: item.getAsFile() });
  }
  if (!dropped.length) for (const file of dataTransfer.files ?? []) dropped.push({ file });
  const files = [], emptyFolders = [], unreadFolders = [];
  for (const d of dropped) {
    if (d.file) { files.push({ file: d.file, path: d.file.name }); continue; }
    const found = [], unread = [];
    await walkFolder(d.folder, `${d.folder.name}/`, found, unread);
    unreadFolders.push(...unread);
    found.sort(byPath);
    if (!found.length && !unread.length) emptyFolders.push(d.folder.name);
    for (const { entry, path } of found) {
      try { files.push({ file: await entryFile(entry), path }); } catch (error) { files.push({ file: null, path, error: `cannot be read (${error.message || error.name})` }); }
    }
  }
  return { files, emptyFolders, unreadFolders };
}

// <input type="file" multiple>: every chosen file.
export function filesFromInput(input) {
  return [...input.files].map((file) => ({ file, path: file.name }));
}

// <input type="file" webkitdirectory>: the folder's files, filtered and sorted like a dropped folder.
export function filesFromFolderInput(input) {
  const files = [];
  for (const file of input.files) {
    const path = file.webkitRelativePath || file.name;
    const parts = path.split('/');
    if (parts.some((part) => part.startsWith('.')) || !wantedInFolder(file.name)) continue;
    files.push({ file, path });
  }
  return files.sort(byPath);
}
