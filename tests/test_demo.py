from data.demo import generate
from data.progress import gaps


def test_demo_adds_candidates_with_complete_submitted_interviews(store, admin, kit):
    made = generate(store, 12, seed=3)
    cands = store.list_candidates(admin, limit=1000)
    assert len(cands) == 12 and made >= 24
    submitted = store.list_interviews(admin, mine=False, status="submitted")
    assert submitted
    sheet = store.sheet(admin, submitted[0].id)
    assert gaps(sheet, kit) == ()


def test_demo_runs_again_without_deleting_anything(store, admin):
    generate(store, 5, seed=1)
    generate(store, 7, seed=1)
    assert len(store.list_candidates(admin, limit=1000)) == 12
    assert len(store.list_positions()) == 5
