// What a dropped folder brings in, under node with a fake of the browser's entries API
// (FileSystemDirectoryEntry): names filtered and sorted as `xray predict` does, hidden entries
// skipped, and a subfolder the browser cannot list named without losing its siblings' files.
import { filesFromDrop } from '../../web/file_sources.js';

let failures = 0;
const fail = (message) => { console.log(`FAIL: ${message}`); failures++; };

// A fake entry tree: a folder is {name: children} ('!' as a child: listing it fails midway).
function entry(name, content) {
  if (typeof content === 'string') return { name, isDirectory: false, file: (ok) => ok({ name, text: content }) };
  return {
    name, isDirectory: true,
    createReader() {
      const children = Object.entries(content);
      let given = false;
      return {
        readEntries(ok, failed) {
          if (children.some(([n]) => n === '!')) { failed(new Error('permission denied')); return; }
          ok(given ? [] : children.map(([n, c]) => entry(n, c)));
          given = true;
        },
      };
    },
  };
}
const drop = (tree) => ({ items: Object.entries(tree).map(([n, c]) => ({ kind: 'file', webkitGetAsEntry: () => entry(n, c), getAsFile: () => null })) });

const { files, emptyFolders, unreadFolders } = await filesFromDrop(drop({
  films: { 'b.jpeg': 'b', 'A.PNG': 'a', '.hidden.jpeg': 'x', 'notes.txt': 'n', 'locked': { '!': '', 'c.jpeg': 'c' },
           'ward': { 'd.dcm': 'd', 'sub': { 'e.jpg': 'e' } } },
  empty: { 'readme.txt': 'r' },
}));
const paths = files.map((f) => f.path);
const want = ['films/A.PNG', 'films/b.jpeg', 'films/ward/d.dcm', 'films/ward/sub/e.jpg'];
if (JSON.stringify(paths) !== JSON.stringify(want)) fail(`files ${JSON.stringify(paths)}, expected ${JSON.stringify(want)}`);
if (JSON.stringify(unreadFolders.map((u) => u.name)) !== '["films/locked"]' || !/permission denied/.test(unreadFolders[0]?.reason)) {
  fail(`unread folders ${JSON.stringify(unreadFolders)}`);
}
if (JSON.stringify(emptyFolders) !== '["empty"]') fail(`empty folders ${JSON.stringify(emptyFolders)}`);
console.log(failures ? `file_sources: ${failures} failures`
  : 'file_sources: a folder drop gives its images sorted, hidden and other names left out; an unreadable subfolder is named and its siblings still listed');
process.exit(failures ? 1 : 0);
