"""The lower bounds: the same figures computed by the fewest hand-written SQL statements.

They rely on the same invariant as the app: a shift with live records is never cancelled, so live
records need no join to their shift for their counts.
"""

DASHBOARD = [
    # 1. Records per month over the 12-month window: the trend, and this and last month's headline.
    """
    SELECT date_trunc('month', r.helped_at AT TIME ZONE 'Asia/Ho_Chi_Minh') AS month,
           SUM(r.citizen_count),
           SUM(r.citizen_count) FILTER (WHERE sv.code = 'vneid_level2' AND r.outcome = 'done'),
           SUM(r.citizen_count) FILTER (WHERE sv.code = 'file_online' AND r.outcome = 'done'),
           SUM(r.citizen_count) FILTER (WHERE r.outcome = 'done'),
           SUM(r.citizen_count) FILTER (WHERE r.age_band <> ''),
           SUM(r.citizen_count) FILTER (WHERE r.age_band = '60_plus')
    FROM help_sessions_helprecord r
    JOIN help_sessions_service sv ON sv.id = r.service_id
    WHERE r.commune_id = %(commune)s AND r.helped_at >= %(window_start)s AND r.helped_at < %(end)s
      AND r.deleted_at IS NULL
    GROUP BY 1
    """,
    # 2. The month's breakdowns: by service, team, hamlet, place and volunteer.
    """
    SELECT r.service_id, s.team_id, r.hamlet_id, s.place_kind, r.volunteer_id, SUM(r.citizen_count)
    FROM help_sessions_helprecord r
    JOIN help_sessions_helpsession s ON s.id = r.session_id
    WHERE r.commune_id = %(commune)s AND r.helped_at >= %(start)s AND r.helped_at < %(end)s
      AND r.deleted_at IS NULL
    GROUP BY GROUPING SETS ((r.service_id), (s.team_id), (r.hamlet_id), (s.place_kind), (r.volunteer_id))
    """,
    # 3. Attendance: per month over the window, and per volunteer and per team in the month.
    """
    SELECT date_trunc('month', s.date) AS month, a.volunteer_id, s.team_id, COUNT(*), SUM(a.present_minutes)
    FROM help_sessions_attendance a
    JOIN help_sessions_helpsession s ON s.id = a.session_id
    WHERE s.commune_id = %(commune)s AND s.date >= %(window_first_day)s AND s.date < %(next_first_day)s
      AND a.present AND s.status <> 'cancelled'
    GROUP BY GROUPING SETS ((1), (1, a.volunteer_id), (1, s.team_id))
    """,
    # 4. Shifts held this and last month, and those held with nobody present.
    """
    SELECT date_trunc('month', s.date), COUNT(*),
           COUNT(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM help_sessions_attendance a WHERE a.session_id = s.id AND a.present))
    FROM help_sessions_helpsession s
    WHERE s.commune_id = %(commune)s AND s.date >= %(previous_first_day)s AND s.date < %(next_first_day)s
      AND s.status = 'held'
    GROUP BY 1
    """,
    # 5. Volunteers present who recorded nothing, and active teams with no shift this month.
    """
    SELECT 'silent', a.id FROM help_sessions_attendance a
    JOIN help_sessions_helpsession s ON s.id = a.session_id
    WHERE s.commune_id = %(commune)s AND s.date >= %(first_day)s AND s.date < %(next_first_day)s AND a.present
      AND s.status <> 'cancelled'
      AND NOT EXISTS (SELECT 1 FROM help_sessions_helprecord r WHERE r.session_id = a.session_id
                      AND r.volunteer_id = a.volunteer_id AND r.deleted_at IS NULL)
    UNION ALL
    SELECT 'idle', t.id FROM volunteers_team t
    WHERE t.commune_id = %(commune)s AND t.is_active AND NOT EXISTS (
        SELECT 1 FROM help_sessions_helpsession s WHERE s.team_id = t.id
        AND s.date >= %(first_day)s AND s.date < %(next_first_day)s)
    """,
]

PROVINCE = [
    """
    WITH records AS (
        SELECT r.commune_id,
               SUM(r.citizen_count) AS citizens,
               SUM(r.citizen_count) FILTER (WHERE sv.code = 'vneid_level2' AND r.outcome = 'done') AS vneid,
               SUM(r.citizen_count) FILTER (WHERE sv.code = 'file_online' AND r.outcome = 'done') AS filings,
               SUM(r.citizen_count) FILTER (WHERE r.outcome = 'done') AS done,
               SUM(r.citizen_count) FILTER (WHERE r.age_band <> '') AS aged,
               SUM(r.citizen_count) FILTER (WHERE r.age_band = '60_plus') AS seniors
        FROM help_sessions_helprecord r
        JOIN help_sessions_service sv ON sv.id = r.service_id
        JOIN volunteers_commune c ON c.code = r.commune_id
        WHERE c.province_id = %(province)s AND r.helped_at >= %(start)s AND r.helped_at < %(end)s
          AND r.deleted_at IS NULL
        GROUP BY r.commune_id),
    attendance AS (
        SELECT s.commune_id, COUNT(*) AS turns, SUM(a.present_minutes) AS minutes
        FROM help_sessions_attendance a
        JOIN help_sessions_helpsession s ON s.id = a.session_id
        JOIN volunteers_commune c ON c.code = s.commune_id
        WHERE c.province_id = %(province)s AND s.date >= %(first_day)s AND s.date < %(next_first_day)s
          AND a.present AND s.status <> 'cancelled'
        GROUP BY s.commune_id),
    held AS (
        SELECT s.commune_id, COUNT(*) AS sessions
        FROM help_sessions_helpsession s JOIN volunteers_commune c ON c.code = s.commune_id
        WHERE c.province_id = %(province)s AND s.date >= %(first_day)s AND s.date < %(next_first_day)s
          AND s.status = 'held'
        GROUP BY s.commune_id)
    SELECT c.code, c.name, records.*, attendance.*, held.*
    FROM volunteers_commune c
    LEFT JOIN records ON records.commune_id = c.code
    LEFT JOIN attendance ON attendance.commune_id = c.code
    LEFT JOIN held ON held.commune_id = c.code
    WHERE c.province_id = %(province)s
    ORDER BY c.name
    """
]
