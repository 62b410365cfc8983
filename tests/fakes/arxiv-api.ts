import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenLocal } from '../helpers/net.ts';

export interface ArxivEntry {
  id: string;
  title: string;
  primary: string;
  categories: string[];
  published: string;
}

function entryXml(e: ArxivEntry): string {
  return `<entry>
    <id>http://arxiv.org/abs/${e.id}v1</id>
    <updated>${e.published}</updated>
    <published>${e.published}</published>
    <title>${e.title}</title>
    <summary>  An abstract
  with hard line breaks. </summary>
    <author><name>Ada Lovelace</name><arxiv:affiliation>Analytical Engines</arxiv:affiliation></author>
    <link href="http://arxiv.org/abs/${e.id}v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/${e.id}v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="${e.primary}" scheme="http://arxiv.org/schemas/atom"/>
    ${e.categories.map((c) => `<category term="${c}" scheme="http://arxiv.org/schemas/atom"/>`).join('\n    ')}
  </entry>`;
}

/** Wraps entries in an arXiv Atom feed, as `GET /api/query` answers. */
export function atomFeed(entries: ArxivEntry[], extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title type="html">ArXiv Query</title>
  <opensearch:totalResults>${entries.length}</opensearch:totalResults>
  ${entries.map(entryXml).join('\n  ')}
  ${extra}
</feed>`;
}

/** A fake arXiv export API on 127.0.0.1: `GET /api/query?id_list=...` answers Atom for the known ids. */
export class FakeArxivApi {
  readonly requests: { idList: string[]; at: number }[] = [];
  private readonly entries = new Map<string, ArxivEntry>();
  private server: Server | undefined;
  url = '';

  add(...entries: ArxivEntry[]): this {
    for (const e of entries) this.entries.set(e.id, e);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const idList = (url.searchParams.get('id_list') ?? '').split(',').filter(Boolean);
      this.requests.push({ idList, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' });
      res.end(atomFeed(idList.flatMap((id) => this.entries.get(id) ?? [])));
    });
    await listenLocal(this.server!);
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/query`;
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
