from interview_prep.launch import main

main()
