import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/app.js';
import { reviewedPermissions } from '../support/reviewedPermissions.js';

const doc = openApiDocument('http://127.0.0.1') as unknown as {
  paths: { [path: string]: { [method: string]: { description?: string } } };
};

/** Each route behind a permission (or none, for a route that takes any valid token), as it declares it. */
const declared = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).flatMap(([method, op]) => {
    const match = /Permission: (?:`([^`]+)`|(none)\b)/.exec(op.description ?? '');
    const permission = match?.[1] ?? match?.[2];
    // The routes that take a token: /v1 and the Web UI's codec endpoint.
    return permission === undefined || !/^\/(v1|codec)\//.test(path)
      ? []
      : [{ route: `${method.toUpperCase()} ${path}`, permission }];
  }),
);

describe('the reviewed permission table', () => {
  it('has a row for every route behind a permission, and none for a route the API does not serve', () => {
    expect(declared.length).toBeGreaterThan(30);
    const routes = declared.map((d) => d.route);
    expect({
      'routes with no reviewed row (add one to test/support/reviewedPermissions.ts)': routes.filter(
        (route) => !(route in reviewedPermissions),
      ),
      'reviewed rows the API does not serve': Object.keys(reviewedPermissions).filter(
        (route) => !routes.includes(route),
      ),
    }).toEqual({
      'routes with no reviewed row (add one to test/support/reviewedPermissions.ts)': [],
      'reviewed rows the API does not serve': [],
    });
  });

  it('is what every route declares', () => {
    const differing = declared
      .filter(
        ({ route, permission }) =>
          route in reviewedPermissions && reviewedPermissions[route]?.permission !== permission,
      )
      .map(
        ({ route, permission }) =>
          `${route} declares ${permission}; reviewed: ${reviewedPermissions[route]?.permission}`,
      );
    expect(differing).toEqual([]);
  });
});
