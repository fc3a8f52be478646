// A small, realistic data set for screenshots and journeys, created through the page's own
// client (the same API a person's clicks go through).
import type { Page } from '@playwright/test';

export interface DemoIds {
  contactId: string;
  companyId: string;
}

export async function seedDemo(page: Page): Promise<DemoIds> {
  return page.evaluate(async () => {
    const api = window.leadConsole!;
    const first = ['Ava', 'Noah', 'Mia', 'Liam', 'Zoë', 'Ethan', 'Sofia', 'Lucas', 'Amara', 'Kenji', 'Ines', 'Omar', 'Priya', 'Jonas', 'Lea', 'Mateo'];
    const last = ['Martin', 'Okafor', 'Schmidt', 'Rossi', 'Nakamura', 'García', 'Dubois', 'Kowalski', 'Silva', 'Novak'];
    const domains = ['northwind.test', 'acme.test', 'globex.test', 'initech.test', 'umbrella.test'];
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const f = first[i % first.length]!;
      const l = last[(i * 7) % last.length]!;
      const d = domains[i % domains.length]!;
      const { contact } = await api.call('contacts.create', {
        name: `${f} ${l}`,
        email: `${f.toLowerCase().replace('ë', 'e')}.${l.toLowerCase().replace('í', 'i')}@${d}`,
        phone: i % 3 === 0 ? `+1 555 01${String(i).padStart(2, '0')}` : undefined,
        visitorId: `visitor-${1000 + i}`,
      });
      ids.push(contact.id);
    }
    const companies = [
      ['co-northwind', 'Northwind Traders', 'growth'],
      ['co-acme', 'Acme Corp', 'enterprise'],
      ['co-globex', 'Globex', 'starter'],
    ] as const;
    let companyId = '';
    for (let i = 0; i < 9; i++) {
      const [externalId, name] = companies[i % 3]!;
      const res = await api.call('contacts.signUp', { id: ids[i]!, externalId: `user-${i}`, company: { externalId, name } });
      if (i === 0) companyId = res.company!.id;
    }
    await api.call('companies.update', { id: companyId, patch: { plan: 'growth', monthlySpend: 490 } });
    await api.call('companies.setStage', { id: companyId, stage: 'customer' });
    await api.call('contacts.update', { id: ids[0]!, patch: { customAttributes: { source: 'Web summit', seats: 12 } } });
    return { contactId: ids[0]!, companyId };
  });
}
