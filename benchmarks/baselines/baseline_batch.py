"""What a tech-comfortable scripter writes instead: pandas + scipy cKDTree over the same SQLite store."""
import os
import sqlite3
import sys

import numpy as np
import pandas as pd
import zipcodes
from scipy.spatial import cKDTree

src, k, within_km = sys.argv[1], 5, 80.4672  # 50 mi, advocate's default radius
R = 6371.0088

cases = pd.read_csv(src, dtype=str, keep_default_na=False)
zc = {z["zip_code"]: (float(z["lat"]), float(z["long"])) for z in zipcodes.list_all() if z["lat"] and z["long"]}

con = sqlite3.connect(os.environ["ADVOCATE_DB"])
svc = pd.read_sql_query("""
    SELECT sal.service_id, s.name AS service_name, o.name AS organization, s.phone,
           (SELECT group_concat(category, ';') FROM service_categories c WHERE c.service_id = s.id) AS categories,
           (SELECT group_concat(language, ';') FROM service_languages g WHERE g.service_id = s.id AND g.mode = 'staff') AS languages,
           l.city AS service_city, l.region AS service_region, s.confidence, l.latitude, l.longitude
    FROM service_at_location sal JOIN locations l ON l.id = sal.location_id JOIN services s ON s.id = sal.service_id
    LEFT JOIN organizations o ON o.id = s.organization_id
    WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL AND s.status = 'active'""", con)

def unit(lat, lon):
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])

tree = cKDTree(unit(svc.latitude.to_numpy(), svc.longitude.to_numpy()))
pts = np.array([zc.get(z.strip(), (np.nan, np.nan)) for z in cases["zip"]])
ok = ~np.isnan(pts[:, 0])
d, idx = tree.query(unit(pts[ok, 0], pts[ok, 1]), k=k, distance_upper_bound=2 * np.sin(within_km / R / 2))

rows = np.repeat(np.flatnonzero(ok), k)
rank = np.tile(np.arange(1, k + 1), ok.sum())
d, idx = d.ravel(), idx.ravel()
hit = np.isfinite(d)
out = cases.iloc[rows[hit]].reset_index(drop=True)
out.insert(len(out.columns), "rank", rank[hit])
found = svc.iloc[idx[hit]].drop(columns=["latitude", "longitude"]).reset_index(drop=True)
out = pd.concat([out, found], axis=1)
km = 2 * R * np.arcsin(d[hit] / 2)
out["distance_km"] = km.round(2)
out["distance_mi"] = (km / 1.609344).round(2)
out.to_csv(sys.stdout, index=False)
