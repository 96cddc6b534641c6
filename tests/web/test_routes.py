import pytest
async def test_smoke(web, world):
    for path in ["/", "/?lang=en", "/app?postcode=3027", f"/p/{world['spangen']}", "/agenda", "/netwerken", "/data/places.csv", "/data/places.json", "/data/activities.json", "/ical/all.ics", f"/ical/network/{world['network']}.ics", "/ical/buurt/Spangen.ics", f"/ical/initiative/{world['spangen']}.ics", f"/ical/activity/{world['coffee']}.ics"]:
        r = await web.get(path)
        
        assert r.status_code == 200, r.text[:3000]

