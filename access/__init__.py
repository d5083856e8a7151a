"""The one door for access: what a user may see and change (docs/product.md, "Access"; docs/access.md).

It sits above the domain apps (volunteers, sessions, reports) and below what serves users (views,
urls, admin, tasks): `scope` says where a user's roles reach, `rules` writes each rule once as a
query condition, `require` is the decorator every view wears. See docs/access.md.
"""
