"""Login pages, sessions, CSRF and access decorators, through the Flask test client."""
import pytest

from factories import PIN, login, make_cooperative, make_user


def test_login_page_has_the_digit_keypad_and_numeric_inputs(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'inputmode="numeric"' in page and 'name="kp" value="7"' in page
    assert 'data-prompt="login.submit"' in page


def test_keypad_keys_work_without_javascript_and_do_not_count_as_tries(client, trader, db):
    page = client.post("/login", data={"phone": trader["phone"], "pin": "24", "kp": "6"})
    assert page.status_code == 200 and 'value="246"' in page.get_data(as_text=True)
    assert db.execute("select count(*) from login_failures").fetchone()[0] == 0


def test_login_opens_a_new_session_and_logout_revokes_it(client, trader, db):
    assert client.get("/").status_code == 302
    assert login(client, trader).headers["Location"] == "/"
    first = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    login(client, trader)
    assert client.get_cookie("session").value != first
    sessions = db.execute("select revoked_at is null from sessions order by created_at").fetchall()
    assert sessions == [(0,), (1,)]  # logging in again retired the old session
    client.post("/logout")
    assert client.get("/").status_code == 302
    client.set_cookie("session", first)  # an old cookie replayed after logout
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, trader):
    cookie = login(client, trader).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_wrong_pin_is_recorded_although_the_answer_is_an_error(client, trader, db):
    for _ in range(3):
        page = client.post("/login", data={"phone": trader["phone"], "pin": "1111"})
        assert page.status_code == 401
        assert 'data-prompt="error.wrong_pin"' in page.get_data(as_text=True)
    refused = client.post("/login", data={"phone": trader["phone"], "pin": PIN})
    assert refused.status_code == 429
    assert db.execute("select count(*) from login_failures").fetchone()[0] == 3


def test_next_only_redirects_inside_the_site(client, trader):
    data = {"phone": trader["phone"], "pin": PIN}
    assert client.post("/login?next=/help", data=data).headers["Location"] == "/help"
    assert client.post("/login?next=//evil.example/", data=data).headers["Location"] == "/"


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": None, "Origin": "http://evil.example"},
    {"Sec-Fetch-Site": None, "Referer": "http://evil.example/form"},
    {"Sec-Fetch-Site": None},
])
def test_cross_site_posts_are_refused_and_write_nothing(app, trader, db, headers):
    client = app.test_client()
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    login(client, trader)
    before = db.execute("select language from users where id = ?", [trader["id"]]).fetchone()
    environ = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    if headers.get("Sec-Fetch-Site", "x") is None:
        del client.environ_base["HTTP_SEC_FETCH_SITE"]
        environ = {k: v for k, v in environ.items() if v is not None}
    refused = client.post("/language", data={"language": "en"}, environ_overrides=environ)
    assert refused.status_code == 403
    assert 'data-prompt="error.csrf"' in refused.get_data(as_text=True)
    assert db.execute("select language from users where id = ?", [trader["id"]]).fetchone() == before


def test_same_origin_and_token_clients_pass_the_csrf_check(app, trader):
    client = app.test_client()
    assert client.post("/textsize", headers={"Origin": "http://localhost"}).status_code == 302
    assert client.post("/textsize", headers={"Referer": "http://localhost/language"}).status_code == 302
    # a device with a Bearer token (the sync API) is not a browser form: not refused for CSRF
    assert client.post("/textsize", headers={"Authorization": "Bearer abc"}).status_code == 302


def test_api_paths_answer_401_json_when_logged_out(app, client):
    from kissi.web.auth import login_required

    app.add_url_rule("/api/v1/probe", "probe", login_required(lambda: {"ok": True}))
    answer = client.get("/api/v1/probe")
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "login_required"


def test_role_required_refuses_other_roles(client, trader, db):
    login(client, trader)
    assert client.post("/members/unlock", data={"phone": trader["phone"]}).status_code == 403


def test_trainer_unlocks_a_member_of_her_cooperative_from_the_web(client, db):
    coop = make_cooperative(db)
    awa = make_user(db, cooperative_id=coop["id"])
    fatou = make_user(db, "trainer", cooperative_id=coop["id"], name="Fatou")
    for _ in range(3):
        client.post("/login", data={"phone": awa["phone"], "pin": "0000"})
    login(client, fatou)
    page = client.post("/members/unlock", data={"phone": awa["phone"]})
    assert page.status_code == 200 and 'data-prompt="members.unlocked"' in page.get_data(as_text=True)
    assert db.execute("select count(*) from login_failures").fetchone()[0] == 0


def test_language_follows_the_browser_then_the_member_choice(client, trader, db):
    page = client.get("/login", headers={"Accept-Language": "ar,fr;q=0.5"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page
    login(client, trader)
    assert 'lang="fr"' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.post("/language", data={"language": "wo"})
    assert db.execute("select language from users where id = ?", [trader["id"]]).fetchone()[0] == "wo"
    assert 'lang="wo"' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_refused(trader_client):
    assert trader_client.post("/language", data={"language": "xx"}).status_code == 422


def test_user_add_and_unlock_commands(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "add", "--role", "trader", "--phone", "0701020304",
                                 "--pin", "1234", "--name", "Awa", "--cooperative", "Coop A"])
    assert result.exit_code == 0, result.output
    assert "cooperative 'Coop A' created" in result.output
    again = runner.invoke(args=["user", "add", "--role", "trainer", "--phone", "0505050505",
                                "--pin", "12341234", "--name", "Fatou", "--cooperative", "Coop A"])
    assert again.exit_code == 0 and "created" not in again.output
    assert db.execute("select count(*) from cooperatives").fetchone()[0] == 1
    bad = runner.invoke(args=["user", "add", "--role", "trader", "--phone", "12",
                              "--pin", "1234", "--name", "X"])
    assert bad.exit_code != 0 and "bad_phone" in bad.output
    assert runner.invoke(args=["user", "unlock", "--phone", "0701020304"]).exit_code == 0
    for command in (["user", "--help"], ["user", "add", "--help"], ["user", "unlock", "--help"]):
        assert runner.invoke(args=command).exit_code == 0


def test_large_text_mode_is_a_switch_kept_in_the_session(trader_client):
    assert 'class="big"' not in trader_client.get("/").get_data(as_text=True)
    assert trader_client.post("/textsize?next=/help").headers["Location"] == "/help"
    assert 'class="big"' in trader_client.get("/").get_data(as_text=True)


def test_every_page_has_home_language_and_speaker(trader_client):
    page = trader_client.get("/help").get_data(as_text=True)
    for prompt in ('data-prompt="nav.home"', 'data-prompt="nav.language"', 'class="ic say"'):
        assert prompt in page
    assert 'src="/static/keys.js"' in page
