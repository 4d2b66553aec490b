import { describe, expect, it } from 'vitest';
import { matchRequestorNames, requestorMatches, shortName, toLabRequestors } from '../../src/lab/name-matching';

const reqs = toLabRequestors(
  [
    { displayName: 'Sales Postoffice', commonName: 'SALESPO', rdn: 'SALES' },
    { displayName: 'Engineering Postoffice', commonName: 'ENGPO', rdn: 'ENG' },
  ],
  'LABNET',
);

describe('lab requestor names', () => {
  it('matches display name, common name or RDN without regard to case, after trimming', () => {
    const sales = reqs[0]!;
    for (const n of ['Sales Postoffice', 'sales postoffice', 'SALESPO', 'salespo', 'Sales', '  SALES  ']) expect(requestorMatches(n, sales)).toBe(true);
    for (const n of ['Sales Post', 'SALESPO2', 'ENG', '', '   ']) expect(requestorMatches(n, sales)).toBe(false);
  });

  it('splits names into recognised requestors (each once, in lab order) and unknown names', () => {
    const m = matchRequestorNames(['eng', 'Nobody', 'sales postoffice', 'SALES', 'ENGPO'], reqs);
    expect(m.recognised.map((r) => r.rdn)).toEqual(['SALES', 'ENG']);
    expect(m.unrecognised).toEqual(['Nobody']);
    expect(matchRequestorNames(['x', 'y'], reqs).recognised).toEqual([]);
  });

  it('derives common name, RDN and a unique postoffice folder from plain display names', () => {
    const r = toLabRequestors(['Sales Postoffice', 'Sales Postoffice North', 'PO1', 'Zürich Büro'], 'LABNET');
    expect(r[0]).toMatchObject({ displayName: 'Sales Postoffice', commonName: 'SALESPOSTOFFICE', rdn: 'SALESPOSTOFFICE', postoffice: 'SALESPOSTO' });
    expect(r[1]!.postoffice).toBe('SALESPOST2');
    expect(r[2]).toMatchObject({ commonName: 'PO1', rdn: 'PO1', postoffice: 'PO1' });
    expect(r[3]!.commonName).toBe('ZURICHBURO');
    expect(new Set(r.map((x) => x.postoffice)).size).toBe(4);
    expect(shortName('!!!', 10)).toBe('PO');
  });
});
