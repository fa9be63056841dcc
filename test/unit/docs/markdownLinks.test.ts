/**
 * Every relative link in every Markdown file of the repository resolves to a file or folder inside it
 * (a user who clones the repository has nothing else), and every `#anchor` to a heading of its target.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Tracked and untracked (not ignored) Markdown files, as a clone would have them. */
function markdownFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out.split('\n').filter((f) => f && !f.startsWith('test/fixtures/') && fs.existsSync(path.join(ROOT, f)));
}

/** Link targets of inline links and images, outside code spans and fenced blocks. */
function linkTargets(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(text: string): Set<string> {
  const headings = text.replace(/^```[\s\S]*?^```/gm, '').match(/^#{1,6} .+$/gm) ?? [];
  return new Set(
    headings.map((h) =>
      h
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('Markdown links', () => {
  const files = markdownFiles();

  it('finds the Markdown files', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/api.md']));
  });

  it.each(files)('%s: every relative link resolves inside the repository', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const broken: string[] = [];
    for (const target of linkTargets(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      const [pathPart, anchor] = target.split('#') as [string, string | undefined];
      const resolved =
        pathPart === ''
          ? path.join(ROOT, file)
          : path.resolve(path.dirname(path.join(ROOT, file)), decodeURI(pathPart));
      if (path.relative(ROOT, resolved).startsWith('..')) broken.push(`${target} (outside the repository)`);
      else if (!fs.existsSync(resolved)) broken.push(`${target} (no such file)`);
      else if (anchor && resolved.endsWith('.md') && !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor))
        broken.push(`${target} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });
});
